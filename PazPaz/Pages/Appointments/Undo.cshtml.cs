using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// The toast's Undo: a move goes back to its old times (<see cref="Booking.EditAsync"/>), a cancellation is restored
/// (<see cref="Booking.ChangeStatusAsync"/> to scheduled), a delete is undone (<see cref="Booking.UndeleteAsync"/>), a completion
/// goes back to what it was (<see cref="Booking.UndoCompletionAsync"/>, shortly after only).
/// Each re-checks the slot; when it has been taken meanwhile the toast says by whom and offers "Undo anyway".
/// </summary>
public sealed class UndoModel(PazPazDb db, Booking booking) : PageModel
{
    public async Task<IActionResult> OnPostAsync(Guid id, [FromForm(Name = "undo")] string? kind, DateTimeOffset? start, DateTimeOffset? end,
        [FromForm(Name = "allow_conflict")] bool allowConflict, string? was, CancellationToken cancellationToken)
    {
        var result = kind switch
        {
            "uncomplete" when was is not null && ApiNames.TryParse<AppointmentStatus>(was, out var back) =>
                await booking.UndoCompletionAsync(id, back, cancellationToken),
            "move" when start is { } s && end is { } e => await booking.EditAsync(id, new AppointmentEdit { Start = s, End = e }, allowConflict, cancellationToken),
            "restore" => await booking.ChangeStatusAsync(id, AppointmentStatus.Scheduled, allowConflict, cancellationToken),
            "undelete" => await booking.UndeleteAsync(id, allowConflict, cancellationToken),
            _ => null,
        };
        if (result is null) return BadRequest();

        ToastView toast;
        switch (result)
        {
            case BookingResult.Saved:
                toast = new ToastView(kind switch
                {
                    "move" => "Move undone", "restore" => "Appointment restored", "uncomplete" => "No longer marked completed", _ => "Appointment brought back",
                });
                Response.Htmx(h => h.WithTrigger("appointment-saved"));
                break;
            case BookingResult.Conflicted conflicted:
                var zone = await PracticeZone.LoadAsync(db, cancellationToken);
                toast = new ToastView("That time now overlaps " + string.Join(" and ",
                        conflicted.Conflicts.Select(c => $"{c.Name} {(c.IsTimeOff ? zone.SpanOrAllDay(c.ScheduledStart, c.ScheduledEnd) : zone.Span(c.ScheduledStart, c.ScheduledEnd))}")) + ".",
                    new UndoView(id, kind!, start, end, AllowConflict: true, Label: "Undo anyway"), IsError: true);
                break;
            case BookingResult.Refused refused:
                toast = new ToastView(refused.Message, IsError: true);
                break;
            case BookingResult.Changed:
                toast = new ToastView(Toasts.ChangedElsewhere, IsError: true);
                Response.Htmx(h => h.WithTrigger("appointment-saved")); // the calendar shows the other change
                break;
            default:
                return NotFound();
        }
        return Request.IsHtmx() ? Partial("_Toast", toast) : this.BackToCalendar(toast.Message, null, toast.IsError);
    }
}
