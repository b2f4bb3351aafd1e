using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings.CalendarSync;

/// <summary>What the calendar-sync pages share: the preview of a feed's next events, and the link shown once.</summary>
public static class FeedPages
{
    /// <summary>TempData key holding a fresh token for one feed ("{feedId}:{token}"), read once by the Edit page.</summary>
    public const string FreshTokenKey = "CalendarSync.FreshToken";

    public sealed record PreviewEvent(string Summary, string When, string Location, bool Cancelled);

    /// <summary>The next events exactly as a subscriber's calendar will title and place them, in the practice's time zone.</summary>
    public static async Task<List<PreviewEvent>> PreviewAsync(PazPazDb db, CurrentUser current, FeedSettings settings, TimeProvider clock,
        string publicBaseUrl, CancellationToken cancellationToken, int count = 6)
    {
        var now = clock.GetUtcNow();
        var workspace = await db.Workspaces.AsNoTracking().Select(w => new { w.TimeZone }).SingleAsync(cancellationToken);
        var zone = TimeZones.Find(workspace.TimeZone);
        var (_, to) = FeedQueries.Window(0, Math.Max(1, settings.WindowDaysAhead), now);
        var rows = await db.FeedAppointmentsAsync(current.RequireWorkspaceId(), now, to, cancellationToken, take: count * 2);
        var options = new FeedOptions(settings.Name, workspace.TimeZone, settings.PrivacyPreset, settings.ShowPrivateLocations,
            settings.KeepCancelledUntilStart, 0, publicBaseUrl);
        return FeedWriter.Events(options, rows, now).Take(count).Select(e =>
        {
            var start = TimeZoneInfo.ConvertTime(e.Start, zone);
            var end = TimeZoneInfo.ConvertTime(e.End, zone);
            return new PreviewEvent(e.Summary, $"{start:ddd d MMM, HH:mm}–{end:HH:mm}", e.Location, e.Status == "CANCELLED");
        }).ToList();
    }

    /// <summary>"Google Calendar last fetched 3 h ago", or that no calendar app has fetched it yet.</summary>
    public static string LastFetch(CalendarFeed feed, DateTimeOffset now) => feed.LastFetchedAt is { } at
        ? $"{FeedClients.AppName(feed.LastFetchedUserAgent) ?? "A calendar app"} last fetched it {FeedClients.Ago(at, now)}."
        : "No calendar app has fetched it yet.";

    public static string PresetName(FeedPrivacyPreset preset) => preset switch
    {
        FeedPrivacyPreset.ServiceName => "Service name",
        FeedPrivacyPreset.ClientInitials => "Client initials",
        FeedPrivacyPreset.ClientFirstName => "Client first name",
        FeedPrivacyPreset.ClientFullName => "Client full name",
        _ => "“Session”",
    };
}
