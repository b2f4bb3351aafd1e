namespace PazPaz.Domain;

/// <summary>A one-time e-mailed sign-in link. Only the SHA-256 of its token is stored.</summary>
public sealed class SignInLink
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid UserId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }
    public string? RequestedFromIp { get; private set; }
    /// <summary>Codes tried after this link was confirmed (two-step sign-in); at <see cref="MaxCodeAttempts"/> the link is void.</summary>
    public int CodeAttempts { get; private set; }
    /// <summary>When a right code finished this sign-in; a link completes one sign-in only.</summary>
    public DateTimeOffset? CodeAcceptedAt { get; private set; }

    public const int MaxCodeAttempts = 5;

    public User? User { get; private set; }

    private SignInLink() { }

    public static SignInLink Issue(Guid userId, string tokenHash, DateTimeOffset now, string? ip) =>
        new() { UserId = userId, TokenHash = tokenHash, CreatedAt = now, ExpiresAt = now + Lifetime, RequestedFromIp = ip };

    public bool CanBeUsed(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;

    public void MarkUsed(DateTimeOffset now) => UsedAt = now;

    /// <summary>
    /// Whether the code step of a confirmed link can still be taken: not finished, fewer than five tries, and within
    /// <see cref="Lifetime"/> of the confirmation (the same ten minutes a link has).
    /// </summary>
    public bool AwaitsCode(DateTimeOffset now) =>
        UsedAt is { } confirmed && CodeAcceptedAt is null && CodeAttempts < MaxCodeAttempts && now < confirmed + Lifetime;
}
