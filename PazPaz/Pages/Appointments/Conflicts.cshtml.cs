using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// While the form's date and times change: the appointments they overlap (client initials only) into #conflicts, and
/// the submit button out of band, "Book anyway" when there is an overlap.
/// </summary>
public sealed class ConflictsModel(PazPazDb db, ConflictChecker checker) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? date, string? start, string? end, [FromQuery(Name = "appointment_id")] Guid? appointmentId,
        CancellationToken cancellationToken)
    {
        if (appointmentId is { } id && !await db.Appointments.AnyAsync(a => a.Id == id, cancellationToken)) return NotFound();
        var zone = await PracticeZone.LoadAsync(db, cancellationToken);
        var times = AppointmentInput.ReadTimes(date, start, end, zone, ModelState);
        var found = times is { } t ? await checker.FindAsync(t.Start, t.End, appointmentId, cancellationToken) : [];
        return Partial("_Conflicts", new ConflictsView(found, zone, AppointmentInput.SlotOf(date, start, end), IsNew: appointmentId is null, OutOfBand: true,
            Overnight: AppointmentInput.OvernightNote(times, zone)));
    }
}
