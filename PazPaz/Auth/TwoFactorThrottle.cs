using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Operations;

namespace PazPaz.Auth;

/// <summary>
/// Limits on two-step codes beyond the five per sign-in link: per IP address (every code submitted) and per user (wrong
/// codes, at sign-in and in Settings), in 15-minute windows of the app's clock. Counted in PostgreSQL
/// (<see cref="RateCounters"/>), so several app instances share them; the hard rule, five tries per link, is kept on the link.
/// </summary>
public sealed class TwoFactorThrottle(PazPazDb db, TimeProvider clock, IOptions<PazPazOptions> options)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Counts one submission from <paramref name="ip"/>; false when the address is over its limit.</summary>
    public async Task<bool> TryAcquireForIpAsync(string? ip, CancellationToken cancellationToken) =>
        await RateCounters.IncrementAsync(db, $"2fa-ip:{ip ?? "unknown"}", CurrentWindow(), cancellationToken) <= options.Value.TwoFactorAttemptsPerIp;

    public async Task<bool> UserIsBlockedAsync(Guid userId, CancellationToken cancellationToken) =>
        await RateCounters.ReadAsync(db, $"2fa-user:{userId}", CurrentWindow(), cancellationToken) >= options.Value.TwoFactorFailuresPerUser;

    public Task RecordFailureAsync(Guid userId, CancellationToken cancellationToken) =>
        RateCounters.IncrementAsync(db, $"2fa-user:{userId}", CurrentWindow(), cancellationToken);

    private DateTimeOffset CurrentWindow() => RateCounters.WindowStart(clock.GetUtcNow(), Window);
}
