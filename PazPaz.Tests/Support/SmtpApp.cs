using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PazPaz.Domain;
using PazPaz.Notifications;

namespace PazPaz.Tests.Support;

[CollectionDefinition(Name)]
public sealed class SmtpCollection : ICollectionFixture<SmtpApp>
{
    public const string Name = "smtp";
}

/// <summary>
/// The app sending through a real SMTP server: the aiosmtpd sink ./test.sh starts (scripts/common.sh ensure_smtp),
/// found through PAZPAZ_TEST_SMTP (host:port) and PAZPAZ_TEST_SMTP_DIR (the Maildir it writes each message to).
/// </summary>
public sealed class SmtpApp : PazPazApp
{
    public string SmtpHost { get; }
    public int SmtpPort { get; }
    public string SmtpFolder { get; }

    public SmtpApp()
    {
        var address = Environment.GetEnvironmentVariable("PAZPAZ_TEST_SMTP");
        var folder = Environment.GetEnvironmentVariable("PAZPAZ_TEST_SMTP_DIR");
        if (string.IsNullOrWhiteSpace(address) || string.IsNullOrWhiteSpace(folder))
            throw new InvalidOperationException("No test SMTP server: run ./test.sh, or start one with scripts/common.sh ensure_smtp and export PAZPAZ_TEST_SMTP and PAZPAZ_TEST_SMTP_DIR.");
        var colon = address.LastIndexOf(':');
        SmtpHost = address[..colon];
        SmtpPort = int.Parse(address[(colon + 1)..]);
        SmtpFolder = folder;
    }

    protected override string DatabaseName => "pazpaz_test_smtp";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Smtp:Host", SmtpHost);
        builder.UseSetting("Smtp:Port", SmtpPort.ToString());
        builder.UseSetting("Smtp:UseStartTls", "false");
        // Small batches, so that even a handful of e-mails spreads over several connections and batches.
        builder.UseSetting("Jobs:SendBatchSize", "5");
    }

    /// <summary>Every message the SMTP server received since the last <see cref="ClearReceived"/>, oldest first.</summary>
    public List<MimeMessage> Received()
    {
        var folder = Path.Combine(SmtpFolder, "new");
        if (!Directory.Exists(folder)) return [];
        return new DirectoryInfo(folder).GetFiles().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name)
            .Select(f => MimeMessage.Load(f.FullName)).ToList();
    }

    public void ClearReceived()
    {
        foreach (var sub in new[] { "new", "cur", "tmp" })
        {
            var folder = Path.Combine(SmtpFolder, sub);
            if (Directory.Exists(folder)) foreach (var file in Directory.GetFiles(folder)) File.Delete(file);
        }
    }

    /// <summary>One minute of the job, as Hangfire would run it, in its own scope of <paramref name="app"/> (default: this app).</summary>
    public async Task RunMinuteJobAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? app = null)
    {
        using var scope = (app ?? this).Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<NotificationJob>().RunAsync();
    }

    /// <summary>Changes a user's notification settings (creating the defaults first), as the settings page would.</summary>
    public Task SetNotificationsAsync(Guid workspaceId, Guid userId, Action<UpdateSettersBuilder<UserNotificationSettings>> change) =>
        WithDbAsync(async db =>
        {
            if (!await db.NotificationSettings.IgnoreQueryFilters().AnyAsync(s => s.UserId == userId))
            {
                db.Add(UserNotificationSettings.CreateDefaults(workspaceId, userId));
                await db.SaveChangesAsync();
            }
            await db.NotificationSettings.IgnoreQueryFilters().Where(s => s.UserId == userId).ExecuteUpdateAsync(change);
        });

    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Base for tests that send real e-mail: empty database, empty SMTP mailbox.</summary>
[Collection(SmtpCollection.Name)]
public abstract class SmtpTest(SmtpApp app) : IAsyncLifetime
{
    protected SmtpApp App { get; } = app;

    public async Task InitializeAsync()
    {
        await App.ResetAsync();
        App.ClearReceived();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
