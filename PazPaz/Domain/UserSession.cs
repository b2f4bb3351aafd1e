namespace PazPaz.Domain;

/// <summary>Why a session ended; stored as text and written to the audit trail.</summary>
public enum SessionEndReason { SignOut, EndedByUser, Everywhere, Deactivated, WorkspaceSuspended, AddressBlocked }

/// <summary>
/// One signed-in browser, held on the server: the session cookie carries only <see cref="Id"/>, so ending the row ends
/// the session wherever a copy of the cookie is presented. It ends on sign-out, when the user ends it, after
/// <c>PazPaz:SessionIdleMinutes</c> without activity, and <see cref="AbsoluteLifetime"/> after sign-in whatever happens.
/// </summary>
public sealed class UserSession : IWorkspaceOwned
{
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromDays(7);
    /// <summary>Last seen is written at most this often, so ordinary requests do not each cost a write.</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);
    /// <summary>The daily job forgets a session this long after its absolute expiry (the sign-in limits look back 30 days).</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(30);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public DateTimeOffset SignedInAt { get; private set; }
    public DateTimeOffset LastSeenAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public SessionEndReason? EndReason { get; private set; }
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }

    private UserSession() { }

    public static UserSession Start(User user, DateTimeOffset now, string? ipAddress, string? userAgent) => new()
    {
        WorkspaceId = user.WorkspaceId, UserId = user.Id, SignedInAt = now, LastSeenAt = now, ExpiresAt = now + AbsoluteLifetime,
        IpAddress = ipAddress is { Length: > 64 } ? ipAddress[..64] : ipAddress,
        UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
    };

    /// <summary>Ended, past its absolute lifetime, or left idle for longer than <paramref name="idle"/>.</summary>
    public bool IsActive(DateTimeOffset now, TimeSpan idle) => EndedAt is null && now < ExpiresAt && now - LastSeenAt <= idle;

    /// <summary>True when the last activity recorded is old enough that this request's should be written.</summary>
    public bool LastSeenIsStale(DateTimeOffset now) => now - LastSeenAt >= LastSeenPrecision;

    public void End(SessionEndReason reason, DateTimeOffset now)
    {
        if (EndedAt is not null) return;
        EndedAt = now;
        EndReason = reason;
    }
}
