namespace PazPaz.Domain;

/// <summary>What a subscribed calendar shows as an event title.</summary>
public enum FeedPrivacyPreset { Session, ServiceName, ClientInitials, ClientFirstName, ClientFullName }

/// <summary>Everything a therapist chooses about a feed, as one value: the settings page and the API both build one.</summary>
public sealed record FeedSettings(
    string Name,
    FeedPrivacyPreset PrivacyPreset = FeedPrivacyPreset.Session,
    bool KeepCancelledUntilStart = true,
    bool ShowPrivateLocations = false,
    int WindowDaysBack = CalendarFeed.DefaultDaysBack,
    int WindowDaysAhead = CalendarFeed.DefaultDaysAhead);

/// <summary>A private ICS subscription URL; the token is the credential, so only its hash is stored.</summary>
public sealed class CalendarFeed : IWorkspaceOwned
{
    public const int NameMaxLength = 100;
    public const int DefaultDaysBack = 60;
    public const int DefaultDaysAhead = 365;
    public const int MaxDaysBack = 3660;
    public const int MaxDaysAhead = 3660;

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
    public int WindowDaysBack { get; private set; } = DefaultDaysBack;
    public int WindowDaysAhead { get; private set; } = DefaultDaysAhead;
    /// <summary>
    /// Added to every appointment's SEQUENCE in this feed. Rises when a setting changes what every event shows (the title
    /// preset, private locations), so subscribers replace events whose own sequence did not move.
    /// </summary>
    public int SequenceOffset { get; private set; }
    public DateTimeOffset? LastFetchedAt { get; private set; }
    public string? LastFetchedUserAgent { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private CalendarFeed() { }

    public static string DefaultName(string therapistName) =>
        Truncate(string.IsNullOrWhiteSpace(therapistName) ? "PazPaz" : $"PazPaz – {therapistName.Trim()}", NameMaxLength);

    /// <summary>A new feed; <paramref name="tokenHash"/> is the hash of a token the caller shows once and forgets.</summary>
    public static CalendarFeed Create(Guid workspaceId, Guid userId, FeedSettings settings, string tokenHash)
    {
        var feed = new CalendarFeed { WorkspaceId = workspaceId, UserId = userId, TokenHash = tokenHash };
        feed.Apply(settings);
        return feed;
    }

    public bool IsRevoked => RevokedAt is not null;

    public FeedSettings Settings() =>
        new(Name, PrivacyPreset, KeepCancelledUntilStart, ShowPrivateLocations, WindowDaysBack, WindowDaysAhead);

    /// <summary>What is wrong with <paramref name="settings"/>, keyed by <see cref="FeedSettings"/> property name; empty when they can be saved.</summary>
    public static Dictionary<string, string> Problems(FeedSettings settings)
    {
        var problems = new Dictionary<string, string>();
        var nameLength = settings.Name?.Trim().Length ?? 0;
        if (nameLength == 0) problems[nameof(FeedSettings.Name)] = "Enter a name for the calendar.";
        else if (nameLength > NameMaxLength) problems[nameof(FeedSettings.Name)] = $"A name is at most {NameMaxLength} characters.";
        if (!Enum.IsDefined(settings.PrivacyPreset)) problems[nameof(FeedSettings.PrivacyPreset)] = "Choose what event titles show.";
        if (settings.WindowDaysBack is < 0 or > MaxDaysBack)
            problems[nameof(FeedSettings.WindowDaysBack)] = $"Enter a number of days from 0 to {MaxDaysBack}.";
        if (settings.WindowDaysAhead is < 1 or > MaxDaysAhead)
            problems[nameof(FeedSettings.WindowDaysAhead)] = $"Enter a number of days from 1 to {MaxDaysAhead}.";
        return problems;
    }

    /// <summary>
    /// Saves new settings. A change to what every event shows (title preset, private locations) raises
    /// <see cref="SequenceOffset"/> so calendar apps replace the events they already hold. Returns false when nothing changed.
    /// </summary>
    public bool ChangeSettings(FeedSettings settings)
    {
        if (IsRevoked) throw new DomainException("This feed has been revoked.");
        var before = Settings();
        Apply(settings);
        if (Settings() == before) return false;
        if (before.PrivacyPreset != PrivacyPreset || before.ShowPrivateLocations != ShowPrivateLocations) SequenceOffset++;
        return true;
    }

    /// <summary>Replaces the token: the old URL stops working at once. The caller shows the new token once.</summary>
    public void Rotate(string newTokenHash)
    {
        if (IsRevoked) throw new DomainException("This feed has been revoked.");
        if (newTokenHash == TokenHash) throw new DomainException("The new token must differ from the old one.");
        TokenHash = newTokenHash;
        TokenGeneration++;
    }

    /// <summary>Ends the feed for good: its URL answers 404 from now on.</summary>
    public void Revoke(DateTimeOffset now)
    {
        if (IsRevoked) return;
        RevokedAt = now;
    }

    private void Apply(FeedSettings settings)
    {
        if (Problems(settings) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        Name = settings.Name.Trim();
        PrivacyPreset = settings.PrivacyPreset;
        KeepCancelledUntilStart = settings.KeepCancelledUntilStart;
        ShowPrivateLocations = settings.ShowPrivateLocations;
        WindowDaysBack = settings.WindowDaysBack;
        WindowDaysAhead = settings.WindowDaysAhead;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

public static class CalendarFeedQueries
{
    /// <summary>The user's feeds that still answer (not revoked): what <see cref="User.Deactivate"/> revokes.</summary>
    public static IQueryable<CalendarFeed> LiveOf(this IQueryable<CalendarFeed> feeds, User user) =>
        feeds.Where(f => f.UserId == user.Id && f.WorkspaceId == user.WorkspaceId && f.RevokedAt == null);
}
