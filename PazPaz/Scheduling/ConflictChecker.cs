using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Scheduling;

/// <summary>
/// What a conflict warning may show: times, status and the client's initials only — or, for blocked time, "Time off" and
/// the practice's own label (<see cref="TimeOffLabel"/> is set), never a client.
/// </summary>
public sealed record ConflictingAppointment(Guid Id, DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd,
    string ClientInitials, AppointmentStatus Status, LocationType LocationType, string? TimeOffLabel = null)
{
    public bool IsTimeOff => TimeOffLabel is not null;

    /// <summary>How a clash list names it: "J.D.", or "Time off" / "Time off · Holiday".</summary>
    public string Name => TimeOffLabel is null ? ClientInitials
        : TimeOffLabel == TimeOff.DefaultLabel ? TimeOff.DefaultLabel : $"{TimeOff.DefaultLabel} · {TimeOffLabel}";
}

/// <summary>
/// Overlap with any scheduled or completed appointment of the workspace (the wall scopes the query):
/// a.start &lt; b.end and a.end &gt; b.start, so touching ends do not conflict.
/// </summary>
public static class AppointmentRanges
{
    /// <summary>
    /// Appointments overlapping [start, end). No appointment is longer than 24 hours (a CHECK constraint), so the extra
    /// lower bound on the start is always true for an overlap — and lets the (workspace, start, end) index range-scan.
    /// </summary>
    public static IQueryable<Appointment> Overlapping(this IQueryable<Appointment> appointments, DateTimeOffset start, DateTimeOffset end)
    {
        var earliestStart = start - Appointment.MaxLength;
        return appointments.Where(a => a.ScheduledStart < end && a.ScheduledEnd > start && a.ScheduledStart >= earliestStart);
    }

    /// <summary>Time off overlapping [start, end); bounded below by start − 60 days (no entry is longer, a CHECK constraint).</summary>
    public static IQueryable<TimeOff> Overlapping(this IQueryable<TimeOff> entries, DateTimeOffset start, DateTimeOffset end)
    {
        var earliestStart = start - TimeOff.MaxLength;
        return entries.Where(t => t.StartsAt < end && t.EndsAt > start && t.StartsAt >= earliestStart);
    }
}

/// <summary>What may be in the way of a time range: appointments, time off, or both (a booking is blocked by both).</summary>
[Flags]
public enum Blockers { Appointments = 1, TimeOff = 2, Both = Appointments | TimeOff }

public sealed class ConflictChecker(PazPazDb db, CurrentUser current, FieldEncryptor encryptor)
{
    /// <summary>Scheduled or completed appointments and time off overlapping [start, end), except <paramref name="excludeId"/>.</summary>
    public async Task<List<ConflictingAppointment>> FindAsync(DateTimeOffset start, DateTimeOffset end, Guid? excludeId,
        CancellationToken cancellationToken = default, Blockers blockers = Blockers.Both)
    {
        var found = await FindEachAsync([(start, end)], excludeId is { } id ? [id] : [], blockers, cancellationToken);
        return found.GetValueOrDefault(0) ?? [];
    }

    /// <summary>An overlapping appointment or time off for range number <see cref="Occurrence"/> (1-based, in the list sent).</summary>
    private sealed record OverlapRow(long Occurrence, bool IsTimeOff, Guid Id, DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd,
        string Status, string LocationType, string? FirstName, string? LastName, string? Label);

    /// <summary>
    /// What overlaps each of <paramref name="ranges"/> (index → list, only ranges with something in the way), in ONE query
    /// whatever the number of ranges: they go as two arrays, and each is a short range scan of (workspace, start, end) on
    /// appointments (bounded below by start − 24 h) and on time off (start − 60 days), united. Raw SQL, so the workspace
    /// wall and the not-deleted filter are written out here. The clashing clients' names and time off labels come with the
    /// rows (no second round trip) and are decrypted here, only to make initials or a label.
    /// </summary>
    public async Task<Dictionary<int, List<ConflictingAppointment>>> FindEachAsync(IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> ranges,
        IReadOnlyCollection<Guid> exclude, Blockers blockers, CancellationToken cancellationToken)
    {
        var workspaceId = current.RequireWorkspaceId();
        var starts = ranges.Select(r => r.Start.UtcDateTime).ToArray();
        var ends = ranges.Select(r => r.End.UtcDateTime).ToArray();
        var excluded = exclude.ToArray();
        var (appointments, timeOff) = (blockers.HasFlag(Blockers.Appointments), blockers.HasFlag(Blockers.TimeOff));
        var (appointmentMax, timeOffMax) = (Appointment.MaxLength, TimeOff.MaxLength);
        var rows = await db.Database.SqlQuery<OverlapRow>($"""
            SELECT o.occurrence, x.is_time_off, x.id, x.scheduled_start, x.scheduled_end, x.status, x.location_type,
                   x.first_name, x.last_name, x.label
            FROM unnest({starts}::timestamptz[], {ends}::timestamptz[]) WITH ORDINALITY AS o(range_start, range_end, occurrence)
            CROSS JOIN LATERAL (
              SELECT false AS is_time_off, a.id, a.scheduled_start, a.scheduled_end, a.status, a.location_type,
                     c.first_name, c.last_name, NULL AS label
              FROM appointments a
              LEFT JOIN clients c ON c.id = a.client_id AND c.workspace_id = {workspaceId}
              WHERE {appointments} AND a.workspace_id = {workspaceId}
                AND a.scheduled_start < o.range_end AND a.scheduled_end > o.range_start
                AND a.scheduled_start >= o.range_start - {appointmentMax}
                AND a.deleted_at IS NULL AND a.status IN ('scheduled', 'completed') AND NOT (a.id = ANY({excluded}))
              UNION ALL
              SELECT true, t.id, t.starts_at, t.ends_at, 'scheduled', 'clinic', NULL, NULL, t.label
              FROM time_off t
              WHERE {timeOff} AND t.workspace_id = {workspaceId}
                AND t.starts_at < o.range_end AND t.ends_at > o.range_start
                AND t.starts_at >= o.range_start - {timeOffMax}
                AND t.deleted_at IS NULL AND NOT (t.id = ANY({excluded}))
            ) x
            ORDER BY o.occurrence, x.scheduled_start, x.id
            """).ToListAsync(cancellationToken);
        if (rows.Count == 0) return [];

        string Decrypt(string? stored) => stored is null ? "" : encryptor.DecryptOrPlain(stored);
        string Initials(OverlapRow r) => r.FirstName is null && r.LastName is null ? "?" : Client.InitialsOf(Decrypt(r.FirstName), Decrypt(r.LastName));
        return rows.GroupBy(r => (int)r.Occurrence - 1).ToDictionary(g => g.Key, g => g.Select(r => new ConflictingAppointment(r.Id,
            r.ScheduledStart, r.ScheduledEnd, r.IsTimeOff ? "" : Initials(r), Parse<AppointmentStatus>(r.Status), Parse<LocationType>(r.LocationType),
            r.IsTimeOff ? TimeOff.LabelOrDefault(Decrypt(r.Label)) : null)).ToList());
    }

    private static T Parse<T>(string name) where T : struct, Enum => ApiNames.TryParse<T>(name, out var value) ? value : default;
}
