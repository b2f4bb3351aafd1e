using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.E2E.Support;
using PazPaz.Security;

namespace PazPaz.E2E;

/// <summary>
/// A real subscriber: Debian's vdirsyncer syncs the feed over HTTP from the running app into a local vdir, then again
/// after a reschedule and after a cancellation. vdirsyncer's http storage replaces every UID with a content hash, so the
/// event is found by its DESCRIPTION (the link to the appointment), which it keeps.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class CalendarSubscriberTests(AppServer app) : IDisposable
{
    private const string Vdirsyncer = "/usr/bin/vdirsyncer";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pazpaz-vdir-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Vdirsyncer_sees_a_reschedule_and_a_cancellation_after_resyncing()
    {
        Assert.True(File.Exists(Vdirsyncer), "vdirsyncer is not installed: run ./test.sh (it installs Debian's vdirsyncer) or apt-get install vdirsyncer.");
        var start = new DateTimeOffset(app.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(3).AddHours(5);
        var (feedUrl, appointmentId) = await ArrangeAsync(start);
        var vdir = Path.Combine(folder, "calendar");
        Directory.CreateDirectory(vdir);
        var config = Path.Combine(folder, "config");
        await File.WriteAllTextAsync(config, $"""
            [general]
            status_path = "{folder}/status/"

            [pair pazpaz]
            a = "pazpaz_remote"
            b = "pazpaz_local"
            collections = null
            conflict_resolution = "a wins"

            [storage pazpaz_remote]
            type = "http"
            url = "{feedUrl}"

            [storage pazpaz_local]
            type = "filesystem"
            path = "{vdir}/"
            fileext = ".ics"
            """);

        await RunAsync(config, "discover");
        await RunAsync(config, "sync");
        var booked = Synced(vdir, appointmentId);
        Assert.Contains($"DTSTART:{FeedWriter.Utc(start)}", booked);
        Assert.Contains("SUMMARY:Vera Subscriber", booked);
        Assert.Contains("STATUS:CONFIRMED", booked);

        await ChangeAsync(appointmentId, a => a.Reschedule(start.AddHours(2), start.AddHours(3), app.Clock.GetUtcNow()));
        await RunAsync(config, "sync");
        var moved = Synced(vdir, appointmentId);
        Assert.Contains($"DTSTART:{FeedWriter.Utc(start.AddHours(2))}", moved);
        Assert.Contains("SEQUENCE:1", moved);

        await ChangeAsync(appointmentId, a => a.ChangeStatus(AppointmentStatus.Cancelled, hasSessionNote: false, app.Clock.GetUtcNow()));
        await RunAsync(config, "sync");
        var cancelled = Synced(vdir, appointmentId);
        Assert.Contains("STATUS:CANCELLED", cancelled);
        Assert.Contains("SUMMARY:Cancelled: Vera Subscriber", cancelled);
        Assert.Contains("SEQUENCE:2", cancelled);
    }

    /// <summary>The one file in the vdir holding this appointment (unfolded), failing if there is none or more than one.</summary>
    private static string Synced(string vdir, Guid appointmentId)
    {
        var files = Directory.GetFiles(vdir, "*.ics").Select(f => File.ReadAllText(f).Replace("\r\n ", "").Replace("\n ", ""))
            .Where(text => text.Contains($"/appointments/{appointmentId}")).ToList();
        Assert.True(files.Count == 1, $"{files.Count} synced files hold appointment {appointmentId}; expected exactly one.");
        return files[0];
    }

    private async Task<(string Url, Guid AppointmentId)> ArrangeAsync(DateTimeOffset start)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var owner = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Email == DemoWorkspace.OwnerEmail);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(owner.Id, owner.WorkspaceId);

        var client = Client.Create(owner.WorkspaceId, "Vera", "Subscriber");
        var appointment = Appointment.Create(owner.WorkspaceId, client.Id, start, start.AddHours(1), LocationType.Clinic);
        var token = Tokens.New();
        var feed = CalendarFeed.Create(owner.WorkspaceId, owner.Id,
            new FeedSettings("PazPaz – subscriber test", FeedPrivacyPreset.ClientFullName, WindowDaysBack: 0, WindowDaysAhead: 30), Tokens.Hash(token));
        db.AddRange(client, appointment, feed);
        await db.SaveChangesAsync();
        return (FeedClients.Links(app.BaseUrl, token).Https, appointment.Id);
    }

    private async Task ChangeAsync(Guid appointmentId, Action<Appointment> change)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var owner = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Email == DemoWorkspace.OwnerEmail);
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(owner.Id, owner.WorkspaceId);
        var appointment = await db.Appointments.SingleAsync(a => a.Id == appointmentId);
        change(appointment);
        await db.SaveChangesAsync();
    }

    private static async Task RunAsync(string config, string command)
    {
        var info = new ProcessStartInfo(Vdirsyncer) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "-c", config, command }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteLineAsync("y"); // discover may ask before creating a collection
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"vdirsyncer {command} exited {process.ExitCode}:\n{await output}\n{await error}");
    }

    public void Dispose()
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
