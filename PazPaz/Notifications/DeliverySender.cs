using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Notifications;

/// <summary>
/// Sends the claimed e-mails whose time has come, and retries failed ones whose wait is over. Rows are taken with
/// <c>FOR UPDATE SKIP LOCKED</c> and marked Sending in the same statement, so two workers never take one row; a Sent
/// row is never taken again. Several SMTP connections work at once, each sending its batches one message after another.
/// </summary>
public sealed class DeliverySender(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobsOptions> options, ILogger<DeliverySender> logger)
{
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var parallelism = Math.Max(1, options.Value.SendParallelism);
        var sent = await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => Task.Run(() => SendBatchesAsync(cancellationToken), cancellationToken)));
        return sent.Sum();
    }

    private async Task<int> SendBatchesAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var messages = scope.ServiceProvider.GetRequiredService<NotificationMessages>();
        await using var smtp = scope.ServiceProvider.GetRequiredService<EmailSender>().OpenSession();
        var sent = 0;
        long take = 0, compose = 0, send = 0, save = 0, mark = System.Diagnostics.Stopwatch.GetTimestamp();
        long Lap() { var now = System.Diagnostics.Stopwatch.GetTimestamp(); var lap = now - mark; mark = now; return lap; }
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await TakeAsync(db, clock.GetUtcNow(), Math.Max(1, options.Value.SendBatchSize), cancellationToken);
            take += Lap();
            if (batch.Count == 0) break;
            string? unreachable = null;
            try
            {
                var composed = await messages.ComposeAsync(batch, cancellationToken);
                compose += Lap();
                foreach (var delivery in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (unreachable is not null) { delivery.MarkFailed(unreachable, clock.GetUtcNow()); continue; }
                    if (composed[delivery.Id] is { SkipReason: { } reason }) { delivery.Skip(reason); continue; }
                    try
                    {
                        await smtp.SendAsync(composed[delivery.Id].Message!, cancellationToken);
                        delivery.MarkSent(clock.GetUtcNow());
                        sent++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        delivery.MarkFailed($"{e.GetType().Name}: {e.Message}", clock.GetUtcNow());
                        logger.LogWarning("E-mail {Kind} for user {UserId} failed (attempt {Attempt}), retry after {Next:u}: {Error}",
                            delivery.Kind, delivery.UserId, delivery.Attempts, delivery.NextAttemptAt, e.Message);
                        // The server is down: the rest of the batch would only wait for the same error.
                        if (EmailSender.EmailSession.ServerUnreachable(e)) unreachable = delivery.LastError;
                    }
                }
            }
            finally
            {
                send += Lap();
                // A stopping worker hands back what it took but did not try; what was tried keeps its outcome.
                foreach (var delivery in batch) delivery.Release();
                await db.SaveChangesAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                save += Lap();
            }
            if (unreachable is not null) break;
        }
        if (sent > 0)
            logger.LogDebug("One connection sent {Sent}: taking rows {Take:0} ms, composing {Compose:0} ms, SMTP {Send:0} ms, saving {Save:0} ms", sent,
                Ms(take), Ms(compose), Ms(send), Ms(save));
        return sent;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Takes up to <paramref name="size"/> due rows: Pending whose time has come, Failed whose wait is over.</summary>
    private static Task<List<NotificationDelivery>> TakeAsync(PazPazDb db, DateTimeOffset now, int size, CancellationToken cancellationToken) =>
        db.NotificationDeliveries.FromSql($"""
            UPDATE notification_deliveries AS d
            SET status = 'sending', attempts = d.attempts + 1, updated_at = {now}
            WHERE d.id IN (SELECT id FROM notification_deliveries
                           WHERE (status = 'pending' AND due_at <= {now}) OR (status = 'failed' AND next_attempt_at <= {now})
                           ORDER BY due_at, workspace_id -- a practice's digests together: one day's list serves them all
                           LIMIT {size}
                           FOR UPDATE SKIP LOCKED)
            RETURNING d.*
            """).IgnoreQueryFilters().AsTracking().ToListAsync(cancellationToken);
}
