using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PazPaz.Operations;

namespace PazPaz.Auth;

/// <summary>
/// Limits on two-step codes beyond the five per sign-in link: per IP address (every code submitted) and per user (wrong
/// codes, at sign-in and in Settings), in 15-minute windows of the app's clock. Held per process, like the sign-in limit;
/// the hard rule, five tries per link, is counted in the database.
/// </summary>
public sealed class TwoFactorThrottle(TimeProvider clock, IOptions<PazPazOptions> options)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<(string Key, long Window), int> counts = new();

    /// <summary>Counts one submission from <paramref name="ip"/>; false when the address is over its limit.</summary>
    public bool TryAcquireForIp(string? ip) => Increment($"ip:{ip ?? "unknown"}") <= options.Value.TwoFactorAttemptsPerIp;

    public bool UserIsBlocked(Guid userId) => Count($"user:{userId}") >= options.Value.TwoFactorFailuresPerUser;

    public void RecordFailure(Guid userId) => Increment($"user:{userId}");

    private long CurrentWindow() => clock.GetUtcNow().ToUnixTimeSeconds() / (long)Window.TotalSeconds;

    private int Count(string key) => counts.TryGetValue((key, CurrentWindow()), out var n) ? n : 0;

    private int Increment(string key)
    {
        var window = CurrentWindow();
        if (counts.Count > 10_000)
            foreach (var old in counts.Keys.Where(k => k.Window < window)) counts.TryRemove(old, out _);
        return counts.AddOrUpdate((key, window), 1, (_, n) => n + 1);
    }
}
