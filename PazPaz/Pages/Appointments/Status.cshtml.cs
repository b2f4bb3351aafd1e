using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// Complete, no-show, cancel or restore from the appointment dialog, through <see cref="Booking.ChangeStatusAsync"/>.
/// A refusal or an overlap (restoring re-checks the slot) comes back into #status-message with 422. Statuses are
/// posted by their API names (completed, no_show, cancelled, scheduled).
/// </summary>
public sealed class StatusModel(PazPazDb db, Booking booking) : PageModel
{
    public Guid Id { get; private set; }
    public string Message { get; private set; } = "";
    public List<string> Overlaps { get; private set; } = [];

    public async Task<IActionResult> OnPostAsync(Guid id, string? status, [FromForm(Name = "allow_conflict")] bool allowConflict,
        [FromForm(Name = "scope")] string? scope, CancellationToken cancellationToken)
    {
        var current = await db.Appointments.Where(a => a.Id == id).Select(a => new { a.ScheduledStart, a.Status }).FirstOrDefaultAsync(cancellationToken);
        if (current is null) return NotFound();
        if (status is null || !ApiNames.TryParse<AppointmentStatus>(status, out var to)) return BadRequest();
        var zone = await PracticeZone.LoadAsync(db, cancellationToken);
        var day = DateOnly.FromDateTime(zone.ToLocal(current.ScheduledStart));
        Id = id;

        var reach = ApiNames.TryParse<SeriesScope>(scope ?? "this", out var parsed) ? parsed : SeriesScope.This;
        var result = to == AppointmentStatus.Cancelled && reach != SeriesScope.This
            ? await booking.CancelSeriesAsync(id, reach, cancellationToken)
            : await booking.ChangeStatusAsync(id, to, allowConflict, cancellationToken);
        switch (result)
        {
            case BookingResult.SeriesSaved series:
                // Many sessions at once: no Undo (each can be restored on its own from its dialog).
                var cancelled = new ToastView(series.Sessions.Count == 1 ? "1 session cancelled" : $"{series.Sessions.Count} sessions cancelled");
                return Request.IsHtmx() ? this.ShowToast(cancelled) : this.BackToCalendar(cancelled.Message, day);
            case BookingResult.Saved:
                var toast = to switch
                {
                    AppointmentStatus.Cancelled => new ToastView("Appointment cancelled", new UndoView(id, "restore")),
                    AppointmentStatus.Completed when current.Status != AppointmentStatus.Completed =>
                        new ToastView("Marked as completed", new UndoView(id, "uncomplete", Was: ApiNames.Of(current.Status))),
                    AppointmentStatus.Completed => new ToastView("Marked as completed"),
                    AppointmentStatus.NoShow => new ToastView("Marked as a no-show"),
                    _ => new ToastView("Appointment restored"),
                };
                return Request.IsHtmx() ? this.ShowToast(toast) : this.BackToCalendar(toast.Message, day);
            case BookingResult.Refused refused:
                Message = refused.Message;
                break;
            case BookingResult.Changed:
                Message = Toasts.ChangedElsewhere;
                break;
            case BookingResult.Conflicted conflicted:
                Message = "Restoring it would overlap another appointment:";
                Overlaps = conflicted.Conflicts.Select(c => $"{(c.IsTimeOff ? zone.SpanOrAllDay(c.ScheduledStart, c.ScheduledEnd) : zone.Span(c.ScheduledStart, c.ScheduledEnd))} · {c.Name}").ToList();
                break;
            default:
                return NotFound();
        }
        if (!Request.IsHtmx()) return this.BackToCalendar(Message + " " + string.Join(", ", Overlaps), day, error: true);
        var answer = Partial("_StatusMessage", this);
        answer.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return answer;
    }
}
