using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PazPaz.Operations;

namespace PazPaz.Auth;

/// <summary>Per-IP limit on sign-in link requests (answered 429). The per-address limit is counted in the database.</summary>
public sealed class SignInThrottle(IOptions<PazPazOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> perIp = PartitionedRateLimiter.Create<string, string>(ip =>
        RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SignInRequestsPerIp, Window = TimeSpan.FromMinutes(15), QueueLimit = 0,
        }));

    public bool TryAcquire(string? ip)
    {
        using var lease = perIp.AttemptAcquire(ip ?? "unknown");
        return lease.IsAcquired;
    }

    public void Dispose() => perIp.Dispose();
}
