using Microsoft.EntityFrameworkCore;
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
    /// Appointments of <paramref name="workspaceId"/> overlapping [from, to), not deleted, with the names a title may
    /// show. Cancelled ones come too: <see cref="FeedWriter.Events"/> decides which of them the feed still holds.
    /// </summary>
    public static IQueryable<FeedAppointment> ForFeed(this IQueryable<Appointment> appointments, Guid workspaceId,
        DateTimeOffset from, DateTimeOffset to)
    {
        var earliestStart = from - Appointment.MaxLength; // lets the (workspace, start, end) index bound the scan
        return appointments
            .Where(a => a.WorkspaceId == workspaceId && a.DeletedAt == null && a.ScheduledStart < to && a.ScheduledEnd > from &&
                        a.ScheduledStart >= earliestStart)
            .OrderBy(a => a.ScheduledStart).ThenBy(a => a.Id)
            .Select(a => new FeedAppointment(a.Id, a.ScheduledStart, a.ScheduledEnd, a.Status, a.Sequence, a.CreatedAt, a.UpdatedAt,
                a.Client!.FirstName, a.Client.LastName, a.Client.HideNameOutsidePazPaz,
                a.Service == null ? null : a.Service.Name,
                a.LocationType,
                a.Location == null ? null : a.Location.Name,
                a.Location == null ? null : a.Location.Address,
                a.Location == null ? null : a.Location.Details,
                a.LocationDetails));
    }

    /// <summary>What the feed's ETag and Last-Modified are made of; one aggregate query, no rows loaded (columns in snake_case: the model's naming convention maps them).</summary>
    public sealed record Version(int EventCount, int RowCount, long SequenceSum, DateTimeOffset? LastChange, DateTimeOffset? LastDrop,
        DateTimeOffset? ClientsChanged, DateTimeOffset? ServicesChanged, DateTimeOffset? LocationsChanged);

    /// <summary>
    /// Counts the events the feed would hold and the latest change among them (deleted rows included, so a deletion
    /// moves it) and the sum of their sequences (every visible change raises one, even within one clock tick), plus the latest change to clients, services and locations, whose names titles and locations show.
    /// <c>LastDrop</c> is the start of the latest cancelled appointment that left the feed when it began.
    /// </summary>
    public static async Task<Version> VersionAsync(this PazPazDb db, Guid workspaceId, DateTimeOffset from, DateTimeOffset to,
        bool keepCancelled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var earliestStart = from - Appointment.MaxLength;
        return await db.Database.SqlQuery<Version>($"""
            SELECT
              count(*) FILTER (WHERE a.deleted_at IS NULL AND (a.status <> 'cancelled' OR ({keepCancelled} AND a.scheduled_start > {now})))::int AS event_count,
              count(*)::int AS row_count,
              coalesce(sum(a.sequence), 0)::bigint AS sequence_sum,
              max(a.updated_at) AS last_change,
              max(a.scheduled_start) FILTER (WHERE a.deleted_at IS NULL AND a.status = 'cancelled' AND a.scheduled_start <= {now}) AS last_drop,
              (SELECT max(c.updated_at) FROM clients c WHERE c.workspace_id = {workspaceId}) AS clients_changed,
              (SELECT max(s.updated_at) FROM services s WHERE s.workspace_id = {workspaceId}) AS services_changed,
              (SELECT max(l.updated_at) FROM locations l WHERE l.workspace_id = {workspaceId}) AS locations_changed
            FROM appointments a
            WHERE a.workspace_id = {workspaceId} AND a.scheduled_start < {to} AND a.scheduled_end > {from} AND a.scheduled_start >= {earliestStart}
            """).SingleAsync(cancellationToken);
    }
}
