using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using PazPaz.Auth;

namespace PazPaz.E2E.Support;

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<AppServer>
{
    public const string Name = "e2e";
}

/// <summary>
/// The real app on a real loopback port (Kestrel, not TestServer) against a freshly created database
/// <c>pazpaz_e2e</c> with the demo workspace seeded, plus one headless Chromium shared by the collection.
/// </summary>
public sealed class AppServer : IAsyncLifetime
{
    public const string DatabaseName = "pazpaz_e2e";
    public const string DefaultServer = "Host=127.0.0.1;Port=55432;Username=postgres";

    private KestrelFactory? factory;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The app's clock: the suite's instant (<c>PAZPAZ_TEST_NOW</c> or the machine's), running on; a journey may move it.</summary>
    public TestClock Clock { get; } = new(TestClock.SuiteInstant());

    /// <summary>Where the app writes its e-mail (.eml files); /dev/mailbox reads the same folder.</summary>
    public string MailFolder { get; } = Path.Combine(Path.GetTempPath(), "pazpaz-e2e-mail-" + Guid.NewGuid().ToString("N"));

    /// <summary>The app's local-disk file storage (encrypted objects).</summary>
    public string FilesFolder { get; } = Path.Combine(Path.GetTempPath(), "pazpaz-e2e-files-" + Guid.NewGuid().ToString("N"));

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <summary>The running app's services (resolve scoped ones inside <see cref="IServiceProvider.CreateScope"/>).</summary>
    public IServiceProvider Services => factory?.Services ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public async Task InitializeAsync()
    {
        var server = Environment.GetEnvironmentVariable("PAZPAZ_TEST_PG");
        if (string.IsNullOrWhiteSpace(server)) server = DefaultServer;
        await RecreateDatabaseAsync(server);
        var appRole = await AppRoleAsync(server);

        // The app refuses to start without an absolute PublicBaseUrl and bakes it into e-mailed links,
        // so the port has to be known before start: reserve a free one, release it, listen on it.
        var port = FreeLoopbackPort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Directory.CreateDirectory(MailFolder);

        factory = new KestrelFactory(Clock, new Dictionary<string, string?>
        {
            // As in production: the superuser migrates (and owns the tables), the app connects as a role that only reads and writes rows.
            ["ConnectionStrings:Migrations"] = $"{server.TrimEnd(';')};Database={DatabaseName}",
            ["ConnectionStrings:Default"] = appRole,
            ["Email:PickupDirectory"] = MailFolder,
            ["Storage:Provider"] = "Disk",
            ["Storage:Disk:Root"] = FilesFolder,
            ["Smtp:Host"] = "",
            ["PazPaz:PublicBaseUrl"] = BaseUrl,
            ["PazPaz:SeedDemo"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // The journeys read the mailbox for sign-in links; e-mails sent at wall-clock times (the demo's reminders)
            // would only make that racy. The jobs have their own tests in PazPaz.Tests/Notifications.
            ["Jobs:RunInWebApp"] = "false",
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        factory.StartServer(); // migrates and seeds before it returns

        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !address.TrimEnd('/').EndsWith($":{port}", StringComparison.Ordinal))
            throw new InvalidOperationException($"Kestrel listens on '{address}', expected port {port}.");

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    /// <summary>A fresh one-time sign-in link (full URL) for an existing user, without sending e-mail.</summary>
    public async Task<string> CreateSignInLinkAsync(string email)
    {
        using var scope = Services.CreateScope();
        var links = scope.ServiceProvider.GetRequiredService<SignInLinks>();
        return await links.CreateForOperatorAsync(email) ?? throw new InvalidOperationException($"No active user {email}.");
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        try
        {
            if (Directory.Exists(MailFolder)) Directory.Delete(MailFolder, recursive: true);
            if (Directory.Exists(FilesFolder)) Directory.Delete(FilesFolder, recursive: true);
        }
        catch (IOException) { /* best effort */ }
    }

    private static async Task RecreateDatabaseAsync(string server)
    {
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection))
            await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection))
            await create.ExecuteNonQueryAsync();
    }

    private static async Task<string> AppRoleAsync(string server)
    {
        const string role = "pazpaz_app", password = "pazpaz_app"; // a test server only
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"""
            DO $$ BEGIN
              CREATE ROLE {role} LOGIN PASSWORD '{password}';
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- there already, or another test run made it just now
            END $$
            """, connection))
            await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName, Username = role, Password = password }.ConnectionString;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private sealed class KestrelFactory(TestClock clock, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }
}
