namespace PazPaz.Domain;

/// <summary>
/// A personal token for integrations (Authorization: Bearer …); only its SHA-256 hash is kept. It works until it is
/// revoked or, when it has an expiry date, until that date begins in the practice's time zone. A revoked token never
/// works again, whatever happens to its user later.
/// </summary>
public sealed class ApiToken : IWorkspaceOwned
{
    public const int NameMaxLength = 100;
    /// <summary>The latest expiry date a token may be given, counted from today in the practice's zone.</summary>
    public const int MaxLifetimeDays = 366;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    /// <summary>The first characters of the token, so a user can tell their tokens apart.</summary>
    public string Prefix { get; private set; } = "";
    public DateTimeOffset? LastUsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    /// <summary>The first instant the token no longer works: the start of its expiry date in the practice's zone; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public User? User { get; private set; }

    private ApiToken() { }

    /// <summary>
    /// A new token for <paramref name="userId"/>. <paramref name="expiresOn"/> is a date in the practice's zone (the token
    /// stops working as it begins): after today and at most <see cref="MaxLifetimeDays"/> ahead; null never expires.
    /// </summary>
    public static ApiToken Create(Workspace workspace, Guid userId, string name, string tokenHash, string prefix, DateOnly? expiresOn,
        DateTimeOffset now)
    {
        if (Problems(name, expiresOn, workspace.Today(now)) is { Count: > 0 } problems) throw new DomainException(problems.First().Value);
        return new()
        {
            WorkspaceId = workspace.Id, UserId = userId, Name = name.Trim(), TokenHash = tokenHash, Prefix = prefix,
            ExpiresAt = expiresOn is { } date ? TimeZones.ToUtc(date.ToDateTime(TimeOnly.MinValue), TimeZones.Find(workspace.TimeZone)) : null,
        };
    }

    /// <summary>What is wrong with a new token's name and expiry date, by field (Name, ExpiresOn); empty when nothing is.</summary>
    public static Dictionary<string, string> Problems(string? name, DateOnly? expiresOn, DateOnly today)
    {
        var problems = new Dictionary<string, string>();
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) problems["Name"] = "Give the token a name, e.g. the app that will use it.";
        else if (trimmed.Length > NameMaxLength) problems["Name"] = $"A token name is at most {NameMaxLength} characters.";
        else if (trimmed.Any(char.IsControl)) problems["Name"] = "A token name cannot contain control characters.";
        if (expiresOn <= today) problems["ExpiresOn"] = "Choose a date after today, or no expiry.";
        else if (expiresOn > today.AddDays(MaxLifetimeDays)) problems["ExpiresOn"] = "Choose a date at most a year from today, or no expiry.";
        return problems;
    }

    public bool IsRevoked => RevokedAt is not null;
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;
    /// <summary>Whether the token lets an integration in at <paramref name="now"/> (its user and workspace must be active too).</summary>
    public bool Works(DateTimeOffset now) => !IsRevoked && !IsExpired(now);
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
    public void RecordUse(DateTimeOffset now) => LastUsedAt = now;
}

public static class ApiTokenQueries
{
    /// <summary>The user's tokens not yet revoked (expired ones included: revoking them too keeps the rule simple).</summary>
    public static IQueryable<ApiToken> UnrevokedOf(this IQueryable<ApiToken> tokens, User user) =>
        tokens.Where(t => t.UserId == user.Id && t.RevokedAt == null);
}
