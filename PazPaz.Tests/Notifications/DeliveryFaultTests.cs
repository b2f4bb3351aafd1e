using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using PazPaz.Domain;
using PazPaz.Notifications;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>Exactly once under failure: the mail server down, two job servers at once, a worker that stops or dies mid-batch.</summary>
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
    public async Task Ten_minutes_without_the_mail_server_then_every_due_reminder_and_digest_goes_out_once()
    {
        var (practice, _) = await DigestsDueSoonAsync(users: 3);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s.SetProperty(x => x.ReminderMinutes, 60));
        var now = App.Clock.GetUtcNow();
        foreach (var minutes in new[] { 61, 64, 67 }) // reminders due 1, 4 and 7 minutes from now, all while the server is down
            await App.BookAsync(practice.Owner, client.Id, now.AddMinutes(minutes));
        App.ClearReceived();
        Assert.DoesNotContain(await DeliveriesAsync(), d => d.Status == DeliveryStatus.Sent); // the outage begins before any is due

        await using (var down = App.WithWebHostBuilder(b => b.UseSetting("Smtp:Port", SmtpApp.ClosedPort().ToString())))
        {
            for (var minute = 1; minute <= 10; minute++)
            {
                App.Clock.Advance(TimeSpan.FromMinutes(1));
                await App.RunMinuteJobAsync(down);
            }
        }
        Assert.Empty(App.Received());
        var waiting = (await DeliveriesAsync()).Where(d => d.Status != DeliveryStatus.Sent).ToList();
        Assert.True(waiting.Count >= 6, $"{waiting.Count} messages waiting"); // at least three digests and the owner's three reminders
        Assert.All(waiting, d => Assert.Equal(DeliveryStatus.Failed, d.Status));

        // Back: the minute job runs on as ever; each message goes out when its retry falls due, once.
        for (var minute = 1; minute <= 30; minute++)
        {
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            await App.RunMinuteJobAsync();
        }
        var received = App.Received();
        Assert.Equal(waiting.Count, received.Count);
        Assert.Equal(3, received.Count(m => (m.Subject ?? "").StartsWith("Reminder:", StringComparison.Ordinal) && To(m) == practice.Owner.Email));
        var digests = received.Where(m => (m.Subject ?? "").StartsWith("Today's schedule", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, digests.Count);
        Assert.Equal(3, digests.Select(To).Distinct().Count());
        Assert.Equal(received.Count, received.Select(m => (To(m), m.Subject)).Distinct().Count()); // nothing twice
        Assert.All(await DeliveriesAsync(), d => Assert.Equal(DeliveryStatus.Sent, d.Status));
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

    /// <summary>Claims what fell due now, as the minute job does before sending.</summary>
    private async Task ClaimAsync()
    {
        using var scope = App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DueEmails>().ClaimAsync(App.Clock.GetUtcNow());
    }

    /// <summary>What a worker does first, taking a batch of <paramref name="size"/>, then it dies before sending any.</summary>
    private Task<List<NotificationDelivery>> TakeAndDieAsync(int size) =>
        App.WithDbAsync(db => DeliverySender.TakeAsync(db, App.Clock.GetUtcNow(), size));

    [Fact]
    public async Task A_worker_that_dies_after_taking_a_batch_leaves_it_to_the_next_run_once_the_lease_ends()
    {
        var (_, dueAt) = await DigestsDueSoonAsync(users: 8);
        App.Clock.SetUtcNow(dueAt);
        await ClaimAsync();
        var taken = await TakeAndDieAsync(size: 5);
        Assert.Equal(5, taken.Count);

        // The rest goes out at once; the dead worker's batch waits for its lease to end, untried.
        await App.RunMinuteJobAsync();
        Assert.Equal(3, App.Received().Count);
        var held = (await DeliveriesAsync()).Where(d => taken.Any(t => t.Id == d.Id)).ToList();
        Assert.All(held, d => Assert.Equal((DeliveryStatus.Pending, 0, dueAt + DeliverySender.Lease), (d.Status, d.Attempts, d.NextAttemptAt)));

        App.Clock.Advance(DeliverySender.Lease - TimeSpan.FromMinutes(1));
        await App.RunMinuteJobAsync();
        Assert.Equal(3, App.Received().Count);

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.RunMinuteJobAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        await App.RunMinuteJobAsync();

        var received = App.Received();
        Assert.Equal(8, received.Count);
        Assert.Equal(8, received.Select(To).Distinct().Count());
        Assert.All(await DeliveriesAsync(), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }

    [Fact]
    public async Task A_worker_stopped_mid_batch_hands_back_what_it_did_not_start_and_the_next_run_sends_it_at_once()
    {
        var (_, dueAt) = await DigestsDueSoonAsync(users: 12);
        App.Clock.SetUtcNow(dueAt);
        await ClaimAsync();
        using var stop = new CancellationTokenSource();
        // The worker is told to stop the moment the mail server has taken the first message.
        var logs = new LogCollector(text => { if (text.Contains(" sent through ", StringComparison.Ordinal)) _ = stop.CancelAsync(); });
        await using var stopping = App.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).AddFilter<LogCollector>("PazPaz", LogLevel.Debug)));

        try
        {
            await stopping.Services.GetRequiredService<DeliverySender>().SendDueAsync(stop.Token);
        }
        catch (OperationCanceledException) { }

        var first = App.Received().Count;
        Assert.InRange(first, 1, 11);
        var rows = await DeliveriesAsync();
        Assert.Equal(first, rows.Count(d => d.Status == DeliveryStatus.Sent));
        // Nothing was left halfway, and what was not started is free again, with no attempt counted.
        Assert.All(rows.Where(d => d.Status != DeliveryStatus.Sent), d => Assert.Equal((DeliveryStatus.Pending, 0, (DateTimeOffset?)null), (d.Status, d.Attempts, d.NextAttemptAt)));

        await App.RunMinuteJobAsync();

        var received = App.Received();
        Assert.Equal(12, received.Count);
        Assert.Equal(12, received.Select(To).Distinct().Count());
        Assert.All(await DeliveriesAsync(), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }

    [Fact]
    public async Task A_message_left_sending_by_a_worker_that_died_is_never_sent_again_and_every_run_reports_it()
    {
        var (_, dueAt) = await DigestsDueSoonAsync(users: 3);
        App.Clock.SetUtcNow(dueAt);
        await ClaimAsync();
        // The worker took all three and had just marked the first Sending when it died.
        var taken = await TakeAndDieAsync(size: 5);
        var inDoubt = taken[0].Id;
        await App.WithDbAsync(async db =>
        {
            var row = await db.NotificationDeliveries.IgnoreWall().SingleAsync(d => d.Id == inDoubt);
            row.StartSending(App.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var logs = new LogCollector();
        await using var reporting = App.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));

        App.Clock.Advance(DeliverySender.Lease);
        await App.RunMinuteJobAsync(reporting);
        Assert.Equal(2, App.Received().Count);
        Assert.DoesNotContain(logs.Warnings, w => w.Contains("have been Sending", StringComparison.Ordinal));

        App.Clock.Advance(NotificationJob.InDoubtAfter);
        await App.RunMinuteJobAsync(reporting);
        Assert.Contains(logs.Warnings, w => w.StartsWith("1 e-mails have been Sending for over 15 minutes", StringComparison.Ordinal));
        using (var scope = App.Services.CreateScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<NotificationJob>().CountInDoubtAsync(App.Clock.GetUtcNow()));

        App.Clock.Advance(TimeSpan.FromHours(2));
        await App.RunMinuteJobAsync(reporting);
        Assert.Equal(2, App.Received().Count);
        var rows = await DeliveriesAsync();
        Assert.Equal((DeliveryStatus.Sending, 1), rows.Where(d => d.Id == inDoubt).Select(d => (d.Status, d.Attempts)).Single());
        Assert.All(rows.Where(d => d.Id != inDoubt), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }

    /// <summary>Keeps the host's log lines (and may act on each as it is written).</summary>
    private sealed class LogCollector(Action<string>? onLog = null) : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> lines = new();
        private readonly Action<string>? onLog = onLog;

        public IEnumerable<string> Warnings => lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text);

        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(LogCollector owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = formatter(state, exception);
                owner.lines.Enqueue((logLevel, text));
                owner.onLog?.Invoke(text);
            }
        }
    }
}
