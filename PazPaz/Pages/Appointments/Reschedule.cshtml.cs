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
/// Drag and drop and Alt+arrow moves post the new wall-clock start and end here ("2026-03-10T10:15"). Moved: the
/// "Moved · Undo" toast. Overlapping: "Move anyway?" in the dialog (Confirm posts again with allow_conflict=true).
/// </summary>
public sealed class RescheduleModel(PazPazDb db, Booking booking) : PageModel
{
    public Guid Id { get; private set; }
    public string Start { get; private set; } = "";
    public string End { get; private set; } = "";
    public string Question { get; private set; } = "";

    public async Task<IActionResult> OnPostAsync(Guid id, string? start, string? end, [FromForm(Name = "allow_conflict")] bool allowConflict,
        CancellationToken cancellationToken)
    {
        var old = await db.Appointments.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.ScheduledStart, a.ScheduledEnd }).FirstOrDefaultAsync(cancellationToken);
        if (old is null) return NotFound();
        if (!PracticeZone.TryParseLocal(start, out var localStart)) return BadRequest();
        var zone = await PracticeZone.LoadAsync(db, cancellationToken);
        var newStart = zone.ToUtc(localStart);
        // Without an end the appointment keeps its length.
        var newEnd = PracticeZone.TryParseLocal(end, out var localEnd) ? zone.ToUtc(localEnd) : newStart + (old.ScheduledEnd - old.ScheduledStart);
        var day = DateOnly.FromDateTime(localStart);

        switch (await booking.EditAsync(id, new AppointmentEdit { Start = newStart, End = newEnd }, allowConflict, cancellationToken))
        {
            case BookingResult.Saved:
                var toast = new ToastView($"Moved to {zone.DaySpan(newStart, newEnd)}", new UndoView(id, "move", old.ScheduledStart, old.ScheduledEnd));
                return Request.IsHtmx() ? this.ShowToast(toast) : this.BackToCalendar(toast.Message, day);
            case BookingResult.Conflicted conflicted:
                (Id, Start, End) = (id, start!, PracticeZone.FormatLocal(zone.ToLocal(newEnd)));
                Question = "This overlaps " + string.Join(" and ",
                    conflicted.Conflicts.Select(c => $"{c.Name} {(c.IsTimeOff ? zone.SpanOrAllDay(c.ScheduledStart, c.ScheduledEnd) : zone.Span(c.ScheduledStart, c.ScheduledEnd))}")) + ". Move anyway?";
                if (!Request.IsHtmx()) return Page();
                Response.Htmx(h => h.Retarget("#dialog-body").Reswap("innerHTML"));
                return Partial("_ConfirmMove", this);
            case BookingResult.Refused refused:
                return Request.IsHtmx()
                    ? this.ShowToast(new ToastView(refused.Message, IsError: true), "calendar-refresh", StatusCodes.Status422UnprocessableEntity)
                    : this.BackToCalendar(refused.Message, day, error: true);
            case BookingResult.Changed:
                return Request.IsHtmx()
                    ? this.ShowToast(new ToastView(Toasts.ChangedElsewhere, IsError: true), "calendar-refresh", StatusCodes.Status422UnprocessableEntity)
                    : this.BackToCalendar(Toasts.ChangedElsewhere, day, error: true);
            default:
                return NotFound();
        }
    }
}
