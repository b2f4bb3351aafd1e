using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Calendar;

/// <summary>The feed's, the export's and the settings preview's one way to read appointments.</summary>
public static class FeedQueries
{
    /// <summary>The days a feed covers at <paramref name="now"/>: whole UTC days, so the window (and the ETag) moves once a day.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(int daysBack, int daysAhead, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return (today.AddDays(-daysBack), today.AddDays(daysAhead + 1));
    }

    /// <summary>
    /// Appointments of <paramref name="workspaceId"/> overlapping [from, to), not deleted, in start order (the first
    /// <paramref name="take"/> when given), with the names a title may show. Cancelled ones come too:
    /// <see cref="FeedWriter.Events"/> decides which of them the feed still holds. The workspace is named here, so this
    /// serves the feed (no signed-in user) and the signed-in pages alike.
    /// <para>
    /// Two queries: the appointments, then each of their clients once. Names are encrypted, and a year's feed holds a
    /// thousand appointments of a few dozen clients: joined per row, every appointment carried two ciphertexts to read
    /// and decrypt (the feed's CPU rose by a sixth when names were encrypted).
    /// </para>
    /// </summary>
    public static async Task<List<FeedAppointment>> FeedAppointmentsAsync(this PazPazDb db, Guid workspaceId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken, int? take = null)
    {
        var earliestStart = from - Appointment.MaxLength; // lets the (workspace, start, end) index bound the scan
        var query = db.Appointments.IgnoreQueryFilters([PazPazDb.WallFilter]).AsNoTracking()
            .Where(a => a.WorkspaceId == workspaceId && a.DeletedAt == null && a.ScheduledStart < to && a.ScheduledEnd > from &&
                        a.ScheduledStart >= earliestStart)
            .OrderBy(a => a.ScheduledStart).ThenBy(a => a.Id)
            .Select(a => new
            {
                a.Id, a.ScheduledStart, a.ScheduledEnd, a.Status, a.Sequence, a.CreatedAt, a.UpdatedAt, a.ClientId,
                ServiceName = a.Service == null ? null : a.Service.Name,
                a.LocationType,
                LocationName = a.Location == null ? null : a.Location.Name,
                LocationAddress = a.Location == null ? null : a.Location.Address,
                LocationDetailsOfPlace = a.Location == null ? null : a.Location.Details,
                a.LocationDetails,
            });
        var rows = await (take is { } n ? query.Take(n) : query).ToListAsync(cancellationToken);
        if (rows.Count == 0) return [];
        var clientIds = rows.Select(r => r.ClientId).Distinct().ToList();
        var clients = await db.Clients.IgnoreQueryFilters([PazPazDb.WallFilter]).AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId && clientIds.Contains(c.Id))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.HideNameOutsidePazPaz })
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        return rows.Select(r =>
        {
            var client = clients[r.ClientId];
            return new FeedAppointment(r.Id, r.ScheduledStart, r.ScheduledEnd, r.Status, r.Sequence, r.CreatedAt, r.UpdatedAt,
                client.FirstName, client.LastName, client.HideNameOutsidePazPaz, r.ServiceName, r.LocationType, r.LocationName,
                r.LocationAddress, r.LocationDetailsOfPlace, r.LocationDetails);
        }).ToList();
    }

    /// <summary>
    /// Time off of <paramref name="workspaceId"/> overlapping [from, to), not deleted: only its times, never its label
    /// (a feed shows it as "Busy").
    /// </summary>
    public static IQueryable<FeedBusy> BusyForFeed(this IQueryable<TimeOff> entries, Guid workspaceId, DateTimeOffset from, DateTimeOffset to)
    {
        var earliestStart = from - TimeOff.MaxLength;
        return entries
            .Where(t => t.WorkspaceId == workspaceId && t.DeletedAt == null && t.StartsAt < to && t.EndsAt > from && t.StartsAt >= earliestStart)
            .OrderBy(t => t.StartsAt).ThenBy(t => t.Id)
            .Select(t => new FeedBusy(t.Id, t.StartsAt, t.EndsAt, t.Sequence, t.CreatedAt, t.UpdatedAt));
    }

    /// <summary>
    /// A live feed (not revoked, its user active, its workspace active) with what its ETag and Last-Modified are made of
    /// (columns in snake_case: the model's naming convention maps them; the preset comes as its stored text).
    /// </summary>
    public sealed record LiveFeed(Guid Id, Guid WorkspaceId, string TokenHash, int TokenGeneration, string Name, string PrivacyPreset,
        bool ShowPrivateLocations, bool KeepCancelledUntilStart, int SequenceOffset, int WindowDaysBack, int WindowDaysAhead,
        DateTimeOffset UpdatedAt, DateTimeOffset? LastFetchedAt, string? LastFetchedUserAgent, string TimeZone, DateTimeOffset WorkspaceUpdatedAt,
        int EventCount, int RowCount, long SequenceSum, DateTimeOffset? LastChange, DateTimeOffset? LastDrop,
        DateTimeOffset? ClientsChanged, DateTimeOffset? ServicesChanged, DateTimeOffset? LocationsChanged,
        int TimeOffRows, long TimeOffSequenceSum, DateTimeOffset? TimeOffChanged)
    {
        public FeedPrivacyPreset Preset => Enum.Parse<FeedPrivacyPreset>(PrivacyPreset.Replace("_", ""), ignoreCase: true);
    }

    /// <summary>
    /// The live feed with this token hash and its version, in one round trip: a poll that ends in 304 needs nothing else.
    /// The version counts the events the feed would hold and the latest change among them (deleted rows included, so a
    /// deletion moves it) and the sum of their sequences (every visible change raises one, even within one clock tick),
    /// plus the latest change to clients, services and locations, whose names titles and locations show, and the same
    /// count, sequence sum and latest change of the time off in the window (deleted entries included, so a deletion moves it). <c>LastDrop</c>
    /// is the start of the latest cancelled appointment that left the feed when it began. The window is
    /// <see cref="Window"/>'s, computed from the feed's days in hours (24 each: UTC days, whatever the session's time zone).
    /// </summary>
    public static async Task<LiveFeed?> FindLiveAsync(this PazPazDb db, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var maxLength = Appointment.MaxLength;
        var timeOffMaxLength = TimeOff.MaxLength;
        return await db.Database.SqlQuery<LiveFeed>($"""
            SELECT f.id, f.workspace_id, f.token_hash, f.token_generation, f.name, f.privacy_preset, f.show_private_locations,
              f.keep_cancelled_until_start, f.sequence_offset, f.window_days_back, f.window_days_ahead, f.updated_at,
              f.last_fetched_at, f.last_fetched_user_agent, w.time_zone, w.updated_at AS workspace_updated_at,
              v.event_count, v.row_count, v.sequence_sum, v.last_change, v.last_drop, v.clients_changed, v.services_changed, v.locations_changed,
              b.time_off_rows, b.time_off_sequence_sum, b.time_off_changed
            FROM calendar_feeds f
            JOIN workspaces w ON w.id = f.workspace_id
            JOIN users u ON u.id = f.user_id
            CROSS JOIN LATERAL (
              SELECT
                count(*) FILTER (WHERE a.deleted_at IS NULL AND (a.status <> 'cancelled' OR (f.keep_cancelled_until_start AND a.scheduled_start > {now})))::int AS event_count,
                count(*)::int AS row_count,
                coalesce(sum(a.sequence), 0)::bigint AS sequence_sum,
                max(a.updated_at) AS last_change,
                max(a.scheduled_start) FILTER (WHERE a.deleted_at IS NULL AND a.status = 'cancelled' AND a.scheduled_start <= {now}) AS last_drop,
                (SELECT max(c.updated_at) FROM clients c WHERE c.workspace_id = f.workspace_id) AS clients_changed,
                (SELECT max(s.updated_at) FROM services s WHERE s.workspace_id = f.workspace_id) AS services_changed,
                (SELECT max(l.updated_at) FROM locations l WHERE l.workspace_id = f.workspace_id) AS locations_changed
              FROM appointments a
              WHERE a.workspace_id = f.workspace_id
                AND a.scheduled_start < {today} + make_interval(hours => 24 * (f.window_days_ahead + 1))
                AND a.scheduled_end > {today} - make_interval(hours => 24 * f.window_days_back)
                AND a.scheduled_start >= {today} - make_interval(hours => 24 * f.window_days_back) - {maxLength}
            ) v
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS time_off_rows, coalesce(sum(t.sequence), 0)::bigint AS time_off_sequence_sum, max(t.updated_at) AS time_off_changed
              FROM time_off t
              WHERE t.workspace_id = f.workspace_id
                AND t.starts_at < {today} + make_interval(hours => 24 * (f.window_days_ahead + 1))
                AND t.ends_at > {today} - make_interval(hours => 24 * f.window_days_back)
                AND t.starts_at >= {today} - make_interval(hours => 24 * f.window_days_back) - {timeOffMaxLength}
            ) b
            WHERE f.token_hash = {tokenHash} AND f.revoked_at IS NULL AND w.status = 'active' AND u.is_active AND u.workspace_id = f.workspace_id
            """).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The caller's own live feeds: the wall keeps other workspaces out, the user id other people's feeds.</summary>
    public static IQueryable<CalendarFeed> OwnFeeds(this PazPazDb db, CurrentUser current)
    {
        var userId = current.RequireUserId();
        return db.CalendarFeeds.Where(f => f.UserId == userId && f.RevokedAt == null);
    }
}
