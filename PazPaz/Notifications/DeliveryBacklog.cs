using Npgsql;

namespace PazPaz.Notifications;

/// <summary>
/// How many outbox rows are waiting and how many are in doubt, for the metrics' gauges. A scrape must not cost a query
/// each time (several scrapers, every few seconds), so the counts are read at most every <see cref="RefreshEvery"/>; both
/// counts match a partial index (ix_notification_deliveries_due, ix_notification_deliveries_sending_since).
/// </summary>
public sealed class DeliveryBacklog(IConfiguration configuration, TimeProvider clock, ILogger<DeliveryBacklog> logger)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);

    public sealed record Counts(long Pending, long Failed, long InDoubt);

    private readonly Lock gate = new();
    private long readAt;
    private bool everRead;
    private Counts? last;

    /// <summary>The counts as of at most <see cref="RefreshEvery"/> ago, or null while the database cannot say.</summary>
    public Counts? Current()
    {
        lock (gate)
        {
            if (everRead && Environment.TickCount64 - readAt < RefreshEvery.TotalMilliseconds) return last;
            // Even a failed read waits its turn: an unreachable database is not asked again on every scrape.
            (everRead, readAt) = (true, Environment.TickCount64);
            try
            {
                last = Read();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Counting the e-mails waiting failed: {Error}", e.Message);
                last = null;
            }
            return last;
        }
    }

    // Synchronous: observable instruments are read synchronously; a short timeout keeps a slow database from holding a scrape.
    private Counts Read()
    {
        using var connection = new NpgsqlConnection(configuration.GetConnectionString("Default"));
        connection.Open();
        using var command = new NpgsqlCommand("""
            SELECT w.pending, w.failed,
                   (SELECT count(*) FROM notification_deliveries WHERE status = 'sending' AND updated_at < $1)
            FROM (SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed
                  FROM notification_deliveries WHERE status IN ('pending', 'failed')) AS w
            """, connection) { CommandTimeout = 2 };
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - NotificationJob.InDoubtAfter });
        using var reader = command.ExecuteReader();
        reader.Read();
        return new Counts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
