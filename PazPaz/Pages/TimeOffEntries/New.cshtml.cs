using Microsoft.AspNetCore.Mvc;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.TimeOffEntries;

/// <summary>GET: the empty form, all day on <c>date</c>. POST: adds it; over appointments it lists them with "Add anyway".</summary>
public sealed class NewModel(PazPazDb db, Booking booking, TimeProvider clock) : TimeOffFormModel(db)
{
    public async Task<IActionResult> OnGetAsync(string? date, string? returnTo, CancellationToken cancellationToken)
    {
        Zone = await PracticeZone.LoadAsync(Db, cancellationToken);
        var day = DateOnly.TryParseExact(date, "yyyy-MM-dd", out var d) && d.Year is >= 2000 and <= 2098 ? d : Zone.Today(clock);
        Input = new TimeOffInput { Date = day, EndDate = day, StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(13, 0), Until = day.AddMonths(3),
            Weekdays = [DayNames[(int)day.DayOfWeek]], ReturnTo = returnTo == "settings" ? "settings" : null };
        return Form(StatusCodes.Status200OK);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Zone = await PracticeZone.LoadAsync(Db, cancellationToken);
        var span = ReadSpan();
        var repeat = ReadRepeat();
        if (!ModelState.IsValid || span is null) return Form(StatusCodes.Status422UnprocessableEntity);
        return await RespondAsync(await booking.AddTimeOffAsync(Input.Label, span, repeat, Input.AllowConflict, cancellationToken), cancellationToken);
    }
}
