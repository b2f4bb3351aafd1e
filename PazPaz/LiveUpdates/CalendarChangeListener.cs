using Npgsql;

namespace PazPaz.LiveUpdates;

/// <summary>
/// One per app instance: a dedicated PostgreSQL connection that LISTENs on <see cref="Channel"/> (the triggers of migration
/// LiveUpdatesNotify send each changed workspace's id there) and hands every notification to <see cref="CalendarChanges"/>.
/// Through PostgreSQL every instance hears every instance's writes. After a lost connection it reconnects with a growing
/// pause; a keepalive query every 30 s notices a connection that died silently.
/// </summary>
public sealed class CalendarChangeListener(CalendarChanges changes, IConfiguration configuration, ILogger<CalendarChangeListener> logger)
    : BackgroundService
{
    public const string Channel = "pazpaz_calendar";
    public const string ApplicationName = "PazPaz live updates";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetConnectionString("Default") is not { Length: > 0 } connectionString) return;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ApplicationName,
            Pooling = false, // a connection that was killed must not go back to a pool
            KeepAlive = 30,
        };

        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var workspaceId)) changes.Publish(workspaceId);
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                changes.Connected();
                if (retry > FirstRetry) logger.LogInformation("Live updates: listening again");
                retry = FirstRetry;
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                changes.Disconnected();
                logger.LogWarning(e, "Live updates: lost the database connection; trying again in {Retry}", retry);
            }

            try
            {
                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
        changes.Disconnected();
    }
}
