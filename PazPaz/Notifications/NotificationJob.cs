using Hangfire;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Notifications;

/// <summary>
/// The recurring jobs. Every minute: claim what fell due, then send everything whose time has come (new e-mails,
/// event e-mails recorded by <see cref="AppointmentEvents"/>, and retries); safe to run twice at once. Daily: forget
/// deliveries long done.
/// </summary>
/// <remarks>
/// A worker that dies between handing a message to the mail server and recording the outcome leaves that one row in
/// Sending (at most one per SMTP connection; the rest of its batch goes out when the lease ends, see
/// <see cref="DeliverySender"/>). Whether the server took that message is unknown and sending again could make a
/// duplicate, so it is never retried on its own: every run warns about such rows until someone checks the mail
/// server's log and sets each to sent, or to failed to have it sent again.
/// </remarks>
public sealed class NotificationJob(DueEmails due, DeliverySender sender, PazPazDb db, TimeProvider clock, ILogger<NotificationJob> logger)
{
    public const string RecurringId = "notifications-every-minute";
    public const string PurgeId = "notifications-purge-daily";

    /// <summary>
    /// How long sent and skipped deliveries are kept. The planner never looks further back than
    /// <see cref="NotificationPlanner.CatchUp"/>, so an old key can no longer be claimed again once its row is gone.
    /// </summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(90);

    /// <summary>A row Sending for longer than this was left by a worker that stopped mid-send (a send takes seconds).</summary>
    public static readonly TimeSpan InDoubtAfter = TimeSpan.FromMinutes(15);

    /// <summary>A missed or failed minute needs no retry: the next minute's run looks back and catches up.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await due.ClaimAsync(now, cancellationToken);
        var sent = await sender.SendDueAsync(cancellationToken);
        if (sent > 0) logger.LogInformation("Sent {Sent} e-mails in {Elapsed:0} ms", sent, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var inDoubt = await CountInDoubtAsync(now, cancellationToken);
        if (inDoubt > 0)
            logger.LogWarning("{InDoubt} e-mails have been Sending for over {Minutes} minutes: a worker stopped while handing them to the mail server. " +
                "They are not sent again, as they may have gone; check the mail server's log and set each to sent, or to failed to send it again.",
                inDoubt, InDoubtAfter.TotalMinutes);
    }

    /// <summary>Rows left in Sending by a worker that stopped mid-send (a small partial index keeps this cheap).</summary>
    public Task<int> CountInDoubtAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.NotificationDeliveries.IgnoreQueryFilters()
            .CountAsync(d => d.Status == DeliveryStatus.Sending && d.UpdatedAt < now - InDoubtAfter, cancellationToken);

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow() - KeepFor;
        var purged = await db.NotificationDeliveries.IgnoreQueryFilters()
            .Where(d => (d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Skipped) && d.UpdatedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
        if (purged > 0) logger.LogInformation("Forgot {Purged} deliveries done before {Before:u}", purged, before);
        await Auth.SignInThrottle.PurgeAsync(db, clock.GetUtcNow(), cancellationToken);
        // Sessions over for a month: none can be used again, and none counts as a network the person signs in from.
        var sessionsBefore = clock.GetUtcNow() - UserSession.ForgetAfter;
        await db.UserSessions.IgnoreQueryFilters().Where(s => s.ExpiresAt < sessionsBefore).ExecuteDeleteAsync(cancellationToken);
        return purged;
    }
}
