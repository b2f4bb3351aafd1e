using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PazPaz.Operations;

namespace PazPaz.Calendar;

/// <summary>Per-token and per-IP limits on feed fetches (answered 429), counted in memory per minute.</summary>
public sealed class FeedThrottle(IOptions<PazPazOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> perToken = Limiter(options.Value.FeedRequestsPerToken);
    private readonly PartitionedRateLimiter<string> perIp = Limiter(options.Value.FeedRequestsPerIp);

    public bool TryAcquireIp(string? ip) => Acquire(perIp, ip ?? "unknown");

    public bool TryAcquireToken(string tokenHash) => Acquire(perToken, tokenHash);

    private static bool Acquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private static PartitionedRateLimiter<string> Limiter(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public void Dispose()
    {
        perToken.Dispose();
        perIp.Dispose();
    }
}
