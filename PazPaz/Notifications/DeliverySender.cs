using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Data.Configurations;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Notifications;

/// <summary>
/// Sends the claimed e-mails whose time has come, and retries failed ones whose wait is over, each exactly once.
/// Taking a batch is a lease: one statement (<c>FOR UPDATE SKIP LOCKED</c>, so two workers never take one row) sets the
/// rows' <c>next_attempt_at</c> to the end of the lease and leaves their status as it was. Each message is then marked
/// Sending on its own, committed, just before it goes to the mail server, and Sent (or Failed) right after. A worker that
/// dies leaves at most the one message it was handing over in doubt, per connection (Sending: never sent again, see
/// <see cref="NotificationJob"/>); the rest of its batch goes out when the lease ends. Several SMTP connections work
/// at once, each sending its batches one message after another.
/// </summary>
public sealed class DeliverySender(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobsOptions> options, Telemetry telemetry,
    ILogger<DeliverySender> logger)
{
    /// <summary>How long a taken batch stays reserved for its worker: far longer than sending a batch takes.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Sends what is due, of the given <paramref name="kinds"/> only when any are given (then over one connection: a few e-mails).</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default, params string[] kinds)
    {
        var parallelism = kinds.Length == 0 ? Math.Max(1, options.Value.SendParallelism) : 1;
        var sent = await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => Task.Run(() => SendBatchesAsync(kinds, cancellationToken), cancellationToken)));
        return sent.Sum();
    }

    private async Task<int> SendBatchesAsync(string[] kinds, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var messages = scope.ServiceProvider.GetRequiredService<NotificationMessages>();
        await using var smtp = scope.ServiceProvider.GetRequiredService<EmailSender>().OpenSession();
        var sent = 0;
        long take = 0, compose = 0, send = 0, perMessage = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            // Not cancelled halfway: a lease taken but never heard of would hold its rows back until it ran out.
            var batch = await TakeAsync(db, clock.GetUtcNow(), Math.Max(1, options.Value.SendBatchSize), CancellationToken.None, kinds);
            take += Stopwatch.GetTimestamp() - started;
            if (batch.Count == 0) break;
            string? unreachable = null;
            var next = 0; // batch[next..] are not started yet
            try
            {
                started = Stopwatch.GetTimestamp();
                var composed = await messages.ComposeAsync(batch, cancellationToken);
                compose += Stopwatch.GetTimestamp() - started;
                started = Stopwatch.GetTimestamp();
                while (next < batch.Count)
                {
                    // Once started, a message is seen through to its recorded outcome even if the worker is stopping:
                    // stopping halfway would leave it in doubt.
                    cancellationToken.ThrowIfCancellationRequested();
                    var delivery = batch[next++];
                    var now = clock.GetUtcNow();
                    if (unreachable is { } error)
                    {
                        if (await ChangeAsync(db, delivery, d => d.MarkFailed(error, now))) telemetry.EmailFailed(delivery.Kind);
                        continue;
                    }
                    if (composed[delivery.Id] is { SkipReason: { } reason })
                    {
                        if (await ChangeAsync(db, delivery, d => d.Skip(reason, now))) telemetry.EmailSkipped(delivery.Kind);
                        continue;
                    }
                    if (!await ChangeAsync(db, delivery, d => d.StartSending(now)))
                    {
                        logger.LogWarning("E-mail {Kind} for user {UserId} left to another worker: the lease ran out before it was sent", delivery.Kind, delivery.UserId);
                        continue;
                    }
                    var handing = Stopwatch.GetTimestamp();
                    try
                    {
                        await smtp.SendAsync(composed[delivery.Id].Message!, CancellationToken.None);
                        send += Stopwatch.GetTimestamp() - handing;
                        telemetry.EmailSent(delivery.Kind); // the server took it, whether or not recording that succeeds
                        await ChangeAsync(db, delivery, d => d.MarkSent(clock.GetUtcNow()));
                        sent++;
                    }
                    catch (Exception e) when (delivery.Status == DeliveryStatus.Sending) // not when recording Sent failed: the message went
                    {
                        send += Stopwatch.GetTimestamp() - handing;
                        await ChangeAsync(db, delivery, d => d.MarkFailed($"{e.GetType().Name}: {e.Message}", clock.GetUtcNow()));
                        telemetry.EmailFailed(delivery.Kind);
                        logger.LogWarning("E-mail {Kind} for user {UserId} failed (attempt {Attempt}), retry after {Next:u}: {Error}",
                            delivery.Kind, delivery.UserId, delivery.Attempts, delivery.NextAttemptAt, e.Message);
                        // The server is down: the rest of the batch would only wait for the same error.
                        if (EmailSender.EmailSession.ServerUnreachable(e)) unreachable = delivery.LastError;
                    }
                }
                perMessage += Stopwatch.GetTimestamp() - started;
            }
            finally
            {
                // A stopping worker hands back what it took but did not start, so that another takes it at once.
                foreach (var delivery in batch.Skip(next)) await ChangeAsync(db, delivery, d => d.Release(clock.GetUtcNow()));
            }
            if (unreachable is not null) break;
        }
        if (sent > 0)
            logger.LogDebug("One connection sent {Sent}: taking rows {Take:0} ms, composing {Compose:0} ms, SMTP {Send:0} ms, recording outcomes {Record:0} ms",
                sent, Ms(take), Ms(compose), Ms(send), Ms(perMessage - send));
        return sent;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// Leases up to <paramref name="size"/> due rows (Pending whose time has come, Failed whose wait is over, and either
    /// whose earlier lease ran out) until <see cref="Lease"/> from now, and returns them as they are then.
    /// </summary>
    internal static Task<List<NotificationDelivery>> TakeAsync(PazPazDb db, DateTimeOffset now, int size, CancellationToken cancellationToken = default,
        string[]? kinds = null) =>
        db.NotificationDeliveries.FromSql($"""
            UPDATE notification_deliveries AS d
            SET next_attempt_at = {now + Lease}, updated_at = {now}
            WHERE d.id IN (SELECT id FROM notification_deliveries
                           WHERE status IN ('pending', 'failed') AND coalesce(next_attempt_at, due_at) <= {now}
                             AND ({kinds is not { Length: > 0 }} OR kind = ANY({kinds ?? []}))
                           ORDER BY coalesce(next_attempt_at, due_at), workspace_id -- a practice's digests together: one day's list serves them all
                           LIMIT {size}
                           FOR UPDATE SKIP LOCKED)
            RETURNING d.*
            """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>
    /// Applies one entity verb and records the row's new state in a single committed UPDATE, provided the row is still as
    /// this worker left it (same status and lease): a worker whose lease ran out never overrides the one that took the row
    /// after it. Never cancelled halfway, so that the database always knows whether a message was handed over.
    /// </summary>
    private static async Task<bool> ChangeAsync(PazPazDb db, NotificationDelivery delivery, Action<NotificationDelivery> change)
    {
        var (was, lease) = (Text(delivery.Status), delivery.NextAttemptAt);
        change(delivery);
        return await db.Database.ExecuteSqlAsync($"""
            UPDATE notification_deliveries
            SET status = {Text(delivery.Status)}, attempts = {delivery.Attempts}, next_attempt_at = {delivery.NextAttemptAt},
                sent_at = {delivery.SentAt}, last_error = {delivery.LastError}, updated_at = {delivery.UpdatedAt}
            WHERE id = {delivery.Id} AND status = {was} AND next_attempt_at IS NOT DISTINCT FROM {lease}
            """, CancellationToken.None) == 1;
    }

    private static string Text(DeliveryStatus status) => ModelConventions.SnakeCase(status.ToString());
}
