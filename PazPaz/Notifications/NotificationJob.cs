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
/// A worker that dies mid-send leaves its rows in Sending. Whether the server took those messages is unknown and
/// sending again could make a duplicate, so they are not retried; they stay visible in notification_deliveries.
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

    /// <summary>A missed or failed minute needs no retry: the next minute's run looks back and catches up.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await due.ClaimAsync(now, cancellationToken);
        var sent = await sender.SendDueAsync(cancellationToken);
        if (sent > 0) logger.LogInformation("Sent {Sent} e-mails in {Elapsed:0} ms", sent, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow() - KeepFor;
        var purged = await db.NotificationDeliveries.IgnoreQueryFilters()
            .Where(d => (d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Skipped) && d.UpdatedAt < before)
            .ExecuteDeleteAsync(cancellationToken);
        if (purged > 0) logger.LogInformation("Forgot {Purged} deliveries done before {Before:u}", purged, before);
        return purged;
    }
}
