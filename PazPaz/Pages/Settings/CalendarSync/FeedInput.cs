using PazPaz.Domain;

namespace PazPaz.Pages.Settings.CalendarSync;

/// <summary>The feed form, bound by New, Edit and Preview; mapped by hand to <see cref="FeedSettings"/>.</summary>
public sealed class FeedInput
{
    public string? Name { get; set; }
    public FeedPrivacyPreset PrivacyPreset { get; set; } = FeedPrivacyPreset.Session;
    public bool KeepCancelledUntilStart { get; set; } = true;
    public bool ShowPrivateLocations { get; set; }
    public int? WindowDaysBack { get; set; } = CalendarFeed.DefaultDaysBack;
    public int? WindowDaysAhead { get; set; } = CalendarFeed.DefaultDaysAhead;

    public static FeedInput From(FeedSettings s) => new()
    {
        Name = s.Name, PrivacyPreset = s.PrivacyPreset, KeepCancelledUntilStart = s.KeepCancelledUntilStart,
        ShowPrivateLocations = s.ShowPrivateLocations, WindowDaysBack = s.WindowDaysBack, WindowDaysAhead = s.WindowDaysAhead,
    };

    // A blank number is out of range on purpose, so the entity's rule names the field.
    public FeedSettings ToSettings() => new(Name ?? "", PrivacyPreset, KeepCancelledUntilStart, ShowPrivateLocations,
        WindowDaysBack ?? -1, WindowDaysAhead ?? -1);

    public static readonly IReadOnlyList<(string Value, string Text)> Presets =
    [
        (nameof(FeedPrivacyPreset.Session), "“Session” (recommended)"),
        (nameof(FeedPrivacyPreset.ServiceName), "The service, e.g. “Sports massage”"),
        (nameof(FeedPrivacyPreset.ClientInitials), "The client's initials, e.g. “N.C.”"),
        (nameof(FeedPrivacyPreset.ClientFirstName), "The client's first name"),
        (nameof(FeedPrivacyPreset.ClientFullName), "The client's full name (see the warning)"),
    ];
}
