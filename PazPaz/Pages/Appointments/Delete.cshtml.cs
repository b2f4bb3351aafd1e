using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// GET: asks what happens to the appointment's session notes (keep or delete) and why. POST: deletes through
/// <see cref="Booking.DeleteAsync"/> (softly: the toast offers undo); a refusal comes back in the form with 422.
/// </summary>
public sealed class DeleteModel(PazPazDb db, Booking booking, ReadAudit reads) : PageModel
{
    public Guid Id { get; private set; }
    public string Summary { get; private set; } = "";
    public int NoteCount { get; private set; }
    public string NoteAction { get; private set; } = "keep";
    public string? Reason { get; private set; }
    public string? Error { get; private set; }
    private DateOnly day;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken)) return NotFound();
        await reads.RecordAsync(nameof(Appointment), [id], "page_delete", cancellationToken); // names the client and the session
        Response.Headers.Append("Vary", "HX-Request");
        return Request.IsHtmx() ? Partial("_Delete", this) : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, [FromForm(Name = "session_note_action")] string? notes, string? reason,
        CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken)) return NotFound();
        NoteAction = notes ?? "keep";
        Reason = AppointmentInput.Clean(reason);
        if (NoteAction is not ("keep" or "delete")) Error = "Choose whether to keep or delete the session notes.";
        else if (Reason?.Length > 500) Error = "The reason is at most 500 characters.";
        else
        {
            var action = NoteAction == "delete" ? SessionNoteAction.Delete : SessionNoteAction.Keep;
            switch (await booking.DeleteAsync(id, action, Reason, cancellationToken))
            {
                case BookingResult.Saved:
                    var toast = new ToastView("Appointment deleted", new UndoView(id, "undelete"));
                    return Request.IsHtmx() ? this.ShowToast(toast) : this.BackToCalendar(toast.Message, day);
                case BookingResult.Refused refused:
                    Error = refused.Message;
                    break;
                default:
                    return NotFound();
            }
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        if (!Request.IsHtmx()) return Page();
        var form = Partial("_Delete", this);
        form.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return form;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.ScheduledStart, a.ScheduledEnd, a.Client!.FirstName, a.Client.LastName })
            .FirstOrDefaultAsync(cancellationToken);
        if (appointment is null) return false;
        var zone = await PracticeZone.LoadAsync(db, cancellationToken);
        Id = id;
        day = DateOnly.FromDateTime(zone.ToLocal(appointment.ScheduledStart));
        Summary = $"{appointment.FirstName} {appointment.LastName} · {zone.DaySpan(appointment.ScheduledStart, appointment.ScheduledEnd)}";
        NoteCount = await db.SessionNotes.CountAsync(n => n.AppointmentId == id, cancellationToken);
        return true;
    }
}
