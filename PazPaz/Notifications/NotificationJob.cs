using Hangfire;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Notifications;

/// <summary>
/// The recurring job, every minute: claim what fell due, then send everything whose time has come (new e-mails,
/// event e-mails recorded by <see cref="AppointmentEvents"/>, and retries). Safe to run twice at once.
/// </summary>
public sealed class NotificationJob(DueEmails due, DeliverySender sender, PazPazDb db, TimeProvider clock, ILogger<NotificationJob> logger)
{
    public const string RecurringId = "notifications-every-minute";

    /// <summary>A missed or failed minute needs no retry: the next minute's run looks back and catches up.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await due.ClaimAsync(now, cancellationToken);
        var sent = await sender.SendDueAsync(cancellationToken);
        if (sent > 0) logger.LogInformation("Sent {Sent} e-mails in {Elapsed:0} ms", sent, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        // A worker that died mid-send leaves its row in Sending. Whether the server took the message is unknown, and
        // sending it again could make a duplicate, so it is left for an operator to look at rather than retried.
        var stuck = await db.NotificationDeliveries.IgnoreQueryFilters()
            .CountAsync(d => d.Status == DeliveryStatus.Sending && d.UpdatedAt < now.AddMinutes(-15), cancellationToken);
        if (stuck > 0) logger.LogWarning("{Stuck} e-mails were interrupted while being sent and are not retried (status 'sending')", stuck);
    }
}
