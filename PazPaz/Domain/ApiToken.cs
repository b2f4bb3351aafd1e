namespace PazPaz.Domain;

/// <summary>A personal token for integrations (Authorization: Bearer …); only its SHA-256 hash is kept.</summary>
public sealed class ApiToken : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    /// <summary>The first characters of the token, so a user can tell their tokens apart.</summary>
    public string Prefix { get; private set; } = "";
    public DateTimeOffset? LastUsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public User? User { get; private set; }

    private ApiToken() { }

    public static ApiToken Create(Guid workspaceId, Guid userId, string name, string tokenHash, string prefix)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100) throw new DomainException("A token name is 1 to 100 characters.");
        return new() { WorkspaceId = workspaceId, UserId = userId, Name = name, TokenHash = tokenHash, Prefix = prefix };
    }

    public bool IsRevoked => RevokedAt is not null;
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
    public void RecordUse(DateTimeOffset now) => LastUsedAt = now;
}
