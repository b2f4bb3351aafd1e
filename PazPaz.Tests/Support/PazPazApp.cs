using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PazPaz.Data;
using Respawn;

namespace PazPaz.Tests.Support;

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<PazPazApp>
{
    public const string Name = "app";
}

/// <summary>
/// The whole app over HTTP against one real PostgreSQL database: migrated once, emptied by Respawn before each test.
/// The clock is a <see cref="FakeTimeProvider"/> so tests can move time; it starts at <see cref="TestClock.Start"/>.
/// </summary>
public class PazPazApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string BaseUrl = "http://localhost";
    private Respawner? respawner;
    private int resets;

    /// <summary>The superuser's connection: the migrations, Respawn and tests that look behind the app's back.</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>What the app under test connects as: <see cref="TestDatabase.AppRole"/>, which may only read and write rows.</summary>
    public string AppConnectionString { get; private set; } = "";
    public string MailFolder { get; } = Path.Combine(Path.GetTempPath(), "pazpaz-tests-mail-" + Guid.NewGuid().ToString("N"));
    public FakeTimeProvider Clock { get; } = new(TestClock.Start);
    /// <summary>The local-disk file storage of this app (encrypted objects), emptied with the database.</summary>
    public string FilesFolder { get; } = Path.Combine(Path.GetTempPath(), "pazpaz-tests-files-" + Guid.NewGuid().ToString("N"));

    /// <summary>Each fixture class has its own database, so collections can run side by side.</summary>
    protected virtual string DatabaseName => "pazpaz_test";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateFreshAsync(DatabaseName);
        AppConnectionString = await TestDatabase.AppConnectionStringAsync(DatabaseName);
        _ = Services; // starts the host, which applies the migrations once
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            // Only the app's tables: Hangfire's own schema ("hangfire") keeps its state, as no test relies on it being empty.
            SchemasToInclude = ["public"],
            // The audit trail refuses DELETE by design; tests look at their own rows only.
            TablesToIgnore = ["__ef_migrations_history", "audit_events", "data_protection_keys"],
        });
    }

    /// <summary>Empties the database and the mailbox between tests.</summary>
    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await respawner!.ResetAsync(connection);
        if (Directory.Exists(MailFolder)) Directory.Delete(MailFolder, recursive: true);
        if (Directory.Exists(FilesFolder)) Directory.Delete(FilesFolder, recursive: true);
        // A fake clock only moves forward; a new hour per test keeps earlier tests' windows out of reach.
        // The first test runs at the start instant itself, so a chosen PAZPAZ_TEST_NOW is an instant some test sees.
        if (resets++ > 0) Clock.Advance(TimeSpan.FromHours(1));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Default", AppConnectionString);
        builder.UseSetting("ConnectionStrings:Migrations", ConnectionString);
        builder.UseSetting("Email:PickupDirectory", MailFolder);
        builder.UseSetting("Storage:Provider", "Disk");
        builder.UseSetting("Storage:Disk:Root", FilesFolder);
        builder.UseSetting("Smtp:Host", "");
        builder.UseSetting("PazPaz:PublicBaseUrl", BaseUrl);
        builder.UseSetting("PazPaz:SeedDemo", "false");
        builder.UseSetting("PazPaz:SignInRequestsPerIp", "1000");
        // Every test request comes from one address; the per-token limit stays at its default and is tested.
        builder.UseSetting("PazPaz:FeedRequestsPerIp", "100000");
        // Tests drive the jobs themselves (resolved from DI, with the fake clock); no job server runs in the background.
        builder.UseSetting("Jobs:RunInWebApp", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, TestPeer>();
        });
    }

    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(BaseUrl) });

    /// <summary>A DbContext outside any request: no workspace wall, as for operators and jobs.</summary>
    public async Task<T> WithDbAsync<T>(Func<PazPazDb, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<PazPazDb>());
    }

    public async Task WithDbAsync(Func<PazPazDb, Task> work)
    {
        using var scope = Services.CreateScope();
        await work(scope.ServiceProvider.GetRequiredService<PazPazDb>());
    }

    public async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(MailFolder)) Directory.Delete(MailFolder, recursive: true);
        if (Directory.Exists(FilesFolder)) Directory.Delete(FilesFolder, recursive: true);
    }
}

/// <summary>
/// The in-memory test server has no TCP peer; this gives each request one, as Kestrel would: 127.0.0.1, or the address in
/// <see cref="Header"/> (a test playing a browser elsewhere, or the reverse proxy). It runs before the app's own pipeline.
/// </summary>
public sealed class TestPeer : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        Microsoft.AspNetCore.Builder.UseExtensions.Use(app, async (http, following) =>
        {
            http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(
                http.Request.Headers.TryGetValue(Header, out var peer) ? peer.ToString() : "127.0.0.1");
            http.Request.Headers.Remove(Header);
            await following();
        });
        next(app);
    };
}

/// <summary>Base for tests that use the shared app: the database starts empty for every test.</summary>
[Collection(AppCollection.Name)]
public abstract class AppTest(PazPazApp app) : IAsyncLifetime
{
    protected PazPazApp App { get; } = app;

    public Task InitializeAsync() => App.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;
}
