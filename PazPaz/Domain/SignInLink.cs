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

    public User? User { get; private set; }

    private SignInLink() { }

    public static SignInLink Issue(Guid userId, string tokenHash, DateTimeOffset now, string? ip) =>
        new() { UserId = userId, TokenHash = tokenHash, CreatedAt = now, ExpiresAt = now + Lifetime, RequestedFromIp = ip };

    public bool CanBeUsed(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;

    public void MarkUsed(DateTimeOffset now) => UsedAt = now;
}
