using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Scheduling;

/// <summary>What a conflict warning may show: times, status and the client's initials only.</summary>
public sealed record ConflictingAppointment(Guid Id, DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd,
    string ClientInitials, AppointmentStatus Status, LocationType LocationType);

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
}

public sealed class ConflictChecker(PazPazDb db)
{
    public async Task<List<ConflictingAppointment>> FindAsync(DateTimeOffset start, DateTimeOffset end, Guid? excludeAppointmentId,
        CancellationToken cancellationToken = default)
    {
        var rows = await db.Appointments.AsNoTracking()
            .Overlapping(start, end)
            .Where(a => a.Status == AppointmentStatus.Scheduled || a.Status == AppointmentStatus.Completed)
            .Where(a => excludeAppointmentId == null || a.Id != excludeAppointmentId)
            .OrderBy(a => a.ScheduledStart)
            .Select(a => new { a.Id, a.ScheduledStart, a.ScheduledEnd, a.Client!.FirstName, a.Client.LastName, a.Status, a.LocationType })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ConflictingAppointment(r.Id, r.ScheduledStart, r.ScheduledEnd,
            Client.InitialsOf(r.FirstName, r.LastName), r.Status, r.LocationType)).ToList();
    }
}
