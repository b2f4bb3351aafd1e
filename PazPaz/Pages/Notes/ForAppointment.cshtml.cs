using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Calendar;
using PazPaz.Auth;

namespace PazPaz.Pages.Notes;

/// <summary>
/// "Write note" / "Open note" for an appointment (calendar dialog, reminder e-mail). Its note when it has one (one note per
/// appointment); otherwise an empty form, and the note is created by the first save — opening the link (a mail scanner
/// fetching it, too) writes nothing.
/// </summary>
[Requires(Area.ClinicalRecord)]
public sealed class ForAppointmentModel(PazPazDb db, TimeProvider clock, SessionNotes notes) : NoteEditorModel(db, clock, notes)
{
    public override string Action => $"/appointments/{AppointmentId}/note";

    /// <summary>Why no note can be written for this appointment yet (cancelled, or a session still to come).</summary>
    public string? Unavailable { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await Notes.WhyNotAllowedAsync(cancellationToken) is { } forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden);
        var appointment = await Db.Appointments.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.ClientId, a.ScheduledStart, a.ScheduledEnd, a.Status }).FirstOrDefaultAsync(cancellationToken);
        if (appointment is null) return NotFound();
        var existing = await Db.SessionNotes.Where(n => n.AppointmentId == id).Select(n => (Guid?)n.Id).FirstOrDefaultAsync(cancellationToken);
        if (existing is { } noteId) return Redirect($"/notes/{noteId}");

        await LoadContextAsync(appointment.ClientId, id, cancellationToken);
        var day = DateOnly.FromDateTime(Zone.ToLocal(appointment.ScheduledStart));
        if (appointment.Status == AppointmentStatus.Cancelled)
            Unavailable = "This appointment was cancelled, so there is no session to write about. Restore it in the calendar first.";
        else if (day > Today)
            Unavailable = $"This session is on {day.ToString("dddd d MMMM", PracticeZone.Culture)}: its note can be written from that day on.";
        var minutes = (int)Math.Clamp((appointment.ScheduledEnd - appointment.ScheduledStart).TotalMinutes, 0, SessionNote.MaxDurationMinutes);
        Input = new NoteInput { SessionDate = Iso(day), DurationMinutes = minutes.ToString(CultureInfo.InvariantCulture) };
        return Page();
    }

    public Task<IActionResult> OnPostAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: false, finalize: false, cancellationToken);

    public Task<IActionResult> OnPostAutosaveAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: true, finalize: false, cancellationToken);

    public Task<IActionResult> OnPostFinalizeAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: false, finalize: true, cancellationToken);

    private async Task<IActionResult> SaveAsync(Guid id, NoteInput input, bool autosave, bool finalize, CancellationToken cancellationToken)
    {
        var clientId = await Db.Appointments.Where(a => a.Id == id).Select(a => (Guid?)a.ClientId).FirstOrDefaultAsync(cancellationToken);
        if (clientId is null) return NotFound();
        if (autosave) { AppointmentId = id; await LoadZoneAsync(cancellationToken); }
        else await LoadContextAsync(clientId.Value, id, cancellationToken);
        return await SaveNewAsync(input, content => Notes.OpenForAppointmentAsync(id, _ => content, cancellationToken), autosave, finalize, cancellationToken);
    }
}
