using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Pages.Calendar;

namespace PazPaz.Pages.Appointments;

/// <summary>How the status, delete, reschedule and undo handlers answer.</summary>
public static class Toasts
{
    /// <summary>A change refused because the appointment changed at the same moment (<see cref="Scheduling.BookingResult.Changed"/>).</summary>
    public const string ChangedElsewhere = "Someone else changed this appointment at the same moment, so nothing was changed. Look at it again and retry.";

    /// <summary>htmx: the toast out of band and nothing else swapped; <paramref name="trigger"/> refreshes the calendar (and closes the dialog).</summary>
    public static IActionResult ShowToast(this PageModel page, ToastView toast, string trigger = "appointment-saved",
        int status = StatusCodes.Status200OK)
    {
        page.Response.Htmx(h => h.Reswap("none").WithTrigger(trigger));
        var result = page.Partial("_ToastOob", toast);
        result.StatusCode = status;
        return result;
    }

    /// <summary>Without JavaScript: back to the calendar on that day, with the message as a flash.</summary>
    public static IActionResult BackToCalendar(this PageModel page, string message, DateOnly? day, bool error = false)
    {
        page.TempData[error ? "Flash.Error" : "Flash.Success"] = message;
        return new RedirectResult(day is { } d ? Calendar.IndexModel.CalendarUrl(CalendarView.Week, d) : "/calendar");
    }
}
