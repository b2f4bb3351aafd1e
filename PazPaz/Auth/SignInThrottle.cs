using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Auth;

/// <summary>What the throttle decided for one sign-in link request.</summary>
public enum SignInBudget
{
    /// <summary>Send the link.</summary>
    Send,
    /// <summary>Answer as usual but send nothing (the address has had enough links for now); the requester cannot tell.</summary>
    SilentlyDrop,
    /// <summary>This IP address asked too often: 429. Says nothing about any address.</summary>
    TooManyFromIp,
}

/// <summary>
/// Limits on sign-in link requests, designed so that nobody can be kept from signing in by a stranger while nobody's
/// mailbox can be flooded either. Three counters, each over fixed <see cref="Window"/>s:
/// <list type="number">
/// <item>Per requesting IP: <c>PazPaz:SignInRequestsPerIp</c> requests, then 429. This is the requester's own budget
/// (behind the proxy it is the real client's, see KnownProxies), so spending it hurts no one else.</item>
/// <item>Per address <em>and</em> IP: <see cref="LinksPerAddressFromOneIp"/> links. A stranger exhausts only his own
/// pair: the person asking from their own network still has theirs. Beyond it the request is silently dropped.</item>
/// <item>Per address, from networks the address has never signed in from: <see cref="LinksPerAddressFromNewNetworks"/>
/// links in all. This is what makes mail-bombing from many IP addresses impossible. It could in turn be exhausted by a
/// stranger with several IP addresses, so an IP address from which the address signed in within
/// <see cref="KnownNetworkFor"/> is not counted here: the owner's usual networks are only ever held to their own pair
/// limit, which no one else can spend.</item>
/// </list>
/// So one address gets at most <see cref="LinksPerAddressFromNewNetworks"/> links from strangers per window, plus
/// <see cref="LinksPerAddressFromOneIp"/> per network it signs in from. The counters live in PostgreSQL (one upsert
/// each), so every app instance spends the same budget. Every step runs alike whether or not the address has an
/// account, so neither the answer nor its timing tells. Address keys are hashed: the table holds no e-mail address.
/// </summary>
public sealed class SignInThrottle(PazPazDb db, IOptions<PazPazOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const int LinksPerAddressFromOneIp = 3;
    public const int LinksPerAddressFromNewNetworks = 10;
    public static readonly TimeSpan KnownNetworkFor = TimeSpan.FromDays(30);
    /// <summary>Counters are kept this long after their window began, then purged by the daily job.</summary>
    public static readonly TimeSpan KeepCountersFor = TimeSpan.FromDays(1);

    public async Task<SignInBudget> SpendAsync(string? ip, string normalizedEmail, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var window = RateCounters.WindowStart(now, Window);
        ip ??= "unknown";
        if (await RateCounters.IncrementAsync(db, "ip:" + ip, window, cancellationToken) > options.Value.SignInRequestsPerIp) return SignInBudget.TooManyFromIp;

        var address = Tokens.Hash(normalizedEmail);
        if (await RateCounters.IncrementAsync(db, $"pair:{address}:{ip}", window, cancellationToken) > LinksPerAddressFromOneIp) return SignInBudget.SilentlyDrop;

        var since = now - KnownNetworkFor;
        var users = db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.Email == normalizedEmail);
        var knownNetwork = await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter])
            .AnyAsync(s => s.IpAddress == ip && s.SignedInAt > since && users.Any(u => u.Id == s.UserId), cancellationToken);
        if (knownNetwork) return SignInBudget.Send;
        return await RateCounters.IncrementAsync(db, "address:" + address, window, cancellationToken) > LinksPerAddressFromNewNetworks
            ? SignInBudget.SilentlyDrop : SignInBudget.Send;
    }

    /// <summary>Forgets counters whose window is long over (the daily purge job).</summary>
    public static Task<int> PurgeAsync(PazPazDb db, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.SignInCounters.Where(c => c.WindowStart < now - KeepCountersFor).ExecuteDeleteAsync(cancellationToken);
}
