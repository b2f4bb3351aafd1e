using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>Exactly once under failure: the mail server down, two job servers at once.</summary>
public sealed class DeliveryFaultTests(SmtpApp app) : SmtpTest(app)
{
    /// <summary>A practice of <paramref name="users"/> people whose today's digest falls due two minutes from now.</summary>
    private async Task<(Seed.Practice Practice, DateTimeOffset DueAt)> DigestsDueSoonAsync(int users)
    {
        var practice = await App.PracticeAsync(timeZone: "Australia/Sydney");
        var ids = new List<Guid> { practice.Owner.Id };
        for (var i = 1; i < users; i++) ids.Add((await App.AssistantAsync(practice.Workspace.Id, $"assistant{i}@example.com", $"Assistant {i}")).Id);
        var dueAt = App.Clock.GetUtcNow().AddMinutes(2);
        var local = TimeZoneInfo.ConvertTime(dueAt, TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney")).ToString("HH:mm");
        foreach (var id in ids)
            await App.SetNotificationsAsync(practice.Workspace.Id, id, s => s
                .SetProperty(x => x.DigestEnabled, true).SetProperty(x => x.DigestTime, local)
                .SetProperty(x => x.DigestDays, new[] { 0, 1, 2, 3, 4, 5, 6 }).SetProperty(x => x.NotesReminderEnabled, false));
        return (practice, dueAt);
    }

    private Task<List<NotificationDelivery>> DeliveriesAsync() =>
        App.WithDbAsync(db => db.NotificationDeliveries.IgnoreWall().AsNoTracking().ToListAsync());

    private static string To(MimeMessage m) => ((MailboxAddress)m.To.Single()).Address;

    [Fact]
    public async Task While_the_mail_server_is_down_nothing_is_lost_and_once_it_is_back_everything_goes_out_once()
    {
        var (_, dueAt) = await DigestsDueSoonAsync(users: 5);
        await using var down = App.WithWebHostBuilder(b => b.UseSetting("Smtp:Port", SmtpApp.ClosedPort().ToString()));
        App.Clock.SetUtcNow(dueAt);

        await App.RunMinuteJobAsync(down);

        Assert.Empty(App.Received());
        var failed = await DeliveriesAsync();
        Assert.Equal(5, failed.Count);
        Assert.All(failed, d =>
        {
            Assert.Equal(DeliveryStatus.Failed, d.Status);
            Assert.Equal(1, d.Attempts);
            Assert.Equal(dueAt.AddMinutes(1), d.NextAttemptAt);
            Assert.False(string.IsNullOrEmpty(d.LastError));
        });

        // Still down a minute later: the second attempt waits twice as long.
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.RunMinuteJobAsync(down);
        Assert.All(await DeliveriesAsync(), d => Assert.Equal((DeliveryStatus.Failed, 2, dueAt.AddMinutes(3)), (d.Status, d.Attempts, d.NextAttemptAt)));

        // Before the wait is over nothing is tried, even with the server back.
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.RunMinuteJobAsync();
        Assert.Empty(App.Received());

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.RunMinuteJobAsync();
        await App.RunMinuteJobAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        await App.RunMinuteJobAsync();

        var received = App.Received();
        Assert.Equal(5, received.Count);
        Assert.Equal(5, received.Select(To).Distinct().Count());
        Assert.All(received, m => Assert.StartsWith("Today's schedule", m.Subject));
        Assert.All(await DeliveriesAsync(), d => Assert.Equal((DeliveryStatus.Sent, 3), (d.Status, d.Attempts)));
    }

    [Fact]
    public async Task Two_job_servers_running_the_same_minute_at_once_send_each_e_mail_once()
    {
        var (_, dueAt) = await DigestsDueSoonAsync(users: 40);
        await using var second = App.WithWebHostBuilder(_ => { });
        _ = second.Services; // both hosts running before the minute comes
        App.Clock.SetUtcNow(dueAt);

        await Task.WhenAll(
            Task.Run(() => App.RunMinuteJobAsync()), Task.Run(() => App.RunMinuteJobAsync(second)),
            Task.Run(() => App.RunMinuteJobAsync()), Task.Run(() => App.RunMinuteJobAsync(second)));
        await App.RunMinuteJobAsync(second);

        var received = App.Received();
        Assert.Equal(40, received.Count);
        Assert.Equal(40, received.Select(To).Distinct().Count());
        var rows = await DeliveriesAsync();
        Assert.Equal(40, rows.Count);
        Assert.All(rows, d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }
}
