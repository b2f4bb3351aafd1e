using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;

namespace PazPaz.Notes;

/// <summary>
/// What "a session without a note" means, in one place: the notes-reminder e-mail lists such sessions and the calendar
/// marks them, so both must agree. A session wants a note once it has ended and took place (or may have: still
/// scheduled, or completed); cancelled and no-show appointments never want one. Any live note counts, a draft included
/// (the therapist has started it); a deleted note (in its 30 days) does not.
/// </summary>
public static class NotedSessions
{
    /// <summary>Statuses whose sessions want a note once they have ended.</summary>
    public static readonly AppointmentStatus[] WantingNote = [AppointmentStatus.Scheduled, AppointmentStatus.Completed];

    public static bool WantsNote(AppointmentStatus status, DateTimeOffset end, DateTimeOffset now) =>
        end <= now && status is AppointmentStatus.Scheduled or AppointmentStatus.Completed;

    /// <summary>The session ended, wants a note and has none: the reminder lists it, the calendar flags it.</summary>
    public static bool IsWithoutNote(AppointmentStatus status, DateTimeOffset end, DateTimeOffset now, bool hasNote) =>
        !hasNote && WantsNote(status, end, now);

    /// <summary>
    /// The live notes of these appointments, by appointment id, with their status (draft, finalized, amended) for the
    /// calendar's icon. Pass <c>db.SessionNotes</c> in a request (behind the wall) or <c>IgnoreQueryFilters()</c> in a job.
    /// </summary>
    public static async Task<Dictionary<Guid, SessionNoteStatus>> ForAppointmentsAsync(this IQueryable<SessionNote> notes,
        IReadOnlyCollection<Guid> appointmentIds, CancellationToken cancellationToken = default)
    {
        if (appointmentIds.Count == 0) return [];
        var rows = await notes.Where(n => n.DeletedAt == null && n.AppointmentId != null && appointmentIds.Contains(n.AppointmentId.Value))
            .Select(n => new { AppointmentId = n.AppointmentId!.Value, n.Status }).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.AppointmentId, r => r.Status);
    }
}
