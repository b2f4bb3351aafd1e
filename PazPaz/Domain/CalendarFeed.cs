namespace PazPaz.Domain;

/// <summary>What a subscribed calendar shows as an event title.</summary>
public enum FeedPrivacyPreset { Session, ServiceName, ClientInitials, ClientFirstName, ClientFullName }

/// <summary>A private ICS subscription URL; the token is the credential, so only its hash is stored.</summary>
public sealed class CalendarFeed : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    /// <summary>Rises on every rotation; part of the feed's ETag.</summary>
    public int TokenGeneration { get; private set; } = 1;
    public FeedPrivacyPreset PrivacyPreset { get; private set; } = FeedPrivacyPreset.Session;
    public bool KeepCancelledUntilStart { get; private set; } = true;
    public bool ShowPrivateLocations { get; private set; }
    public int WindowDaysBack { get; private set; } = 60;
    public int WindowDaysAhead { get; private set; } = 365;
    public DateTimeOffset? LastFetchedAt { get; private set; }
    public string? LastFetchedUserAgent { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private CalendarFeed() { }

    public static CalendarFeed Create(Guid workspaceId, Guid userId, string name, string tokenHash) =>
        new() { WorkspaceId = workspaceId, UserId = userId, Name = name, TokenHash = tokenHash };
}
