using Microsoft.Extensions.Options;
using PazPaz.Calendar;
using PazPaz.Operations;

namespace PazPaz.Tests.Calendar;

public sealed class FeedThrottleTests
{
    [Fact]
    public void One_ip_address_is_limited_separately_from_one_token()
    {
        using var throttle = new FeedThrottle(Options.Create(new PazPazOptions { FeedRequestsPerIp = 3, FeedRequestsPerToken = 2 }));

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => throttle.TryAcquireIp("203.0.113.7")));
        Assert.True(throttle.TryAcquireIp("198.51.100.1"));
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => throttle.TryAcquireToken("hash-a")));
        Assert.True(throttle.TryAcquireToken("hash-b"));
    }
}
