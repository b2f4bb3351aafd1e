using System.Globalization;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.TimeOffEntries;

/// <summary>What the time off form posts: a whole day (or days) or a time range on one day, and optionally "every week on …".</summary>
public sealed class TimeOffInput
{
    public string? Label { get; set; }
    public bool AllDay { get; set; } = true;
    public DateOnly? Date { get; set; }
    public DateOnly? EndDate { get; set; }
    public TimeOnly? StartTime { get; set; }
    public TimeOnly? EndTime { get; set; }
    public bool Repeat { get; set; }
    public List<string> Weekdays { get; set; } = [];
    public DateOnly? Until { get; set; }
    /// <summary>Posted back with the clash list shown: "add anyway".</summary>
    public bool AllowConflict { get; set; }
    public SeriesScope Scope { get; set; }
    /// <summary>"settings" when the form was opened from Settings → Time off (without JavaScript it returns there).</summary>
    public string? ReturnTo { get; set; }
}

/// <summary>
/// The new and edit time off forms (one partial, _TimeOffForm): validate → Booking → 204 + appointment-saved (the calendar
/// redraws and the dialog closes), or the form again with 422 and its field errors or the appointments in the way.
/// </summary>
public abstract class TimeOffFormModel(PazPazDb db) : PageModel
{
    protected PazPazDb Db => db;

    [BindProperty] public TimeOffInput Input { get; set; } = new();
    public PracticeZone Zone { get; protected set; } = null!;
    public Guid? Id { get; protected set; }
    /// <summary>"Every Friday" when the entry belongs to a repeating series.</summary>
    public string? Repeats { get; protected set; }
    public List<ConflictingAppointment> Conflicts { get; private set; } = [];
    public List<SeriesClash> Clashes { get; private set; } = [];
    public bool IsNew => Id is null;

    public static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>The span posted, or null with field errors.</summary>
    protected TimeOffSpan? ReadSpan()
    {
        if (Input.Date is not { } date) { ModelState.AddModelError("Input.Date", "Choose a day."); return null; }
        if (Input.AllDay) return TimeOffSpan.Days(date, Input.EndDate ?? date);
        if (Input.StartTime is not { } from) ModelState.AddModelError("Input.StartTime", "Choose a start time.");
        if (Input.EndTime is not { } to) ModelState.AddModelError("Input.EndTime", "Choose an end time.");
        if (!ModelState.IsValid) return null;
        var start = Zone.ToUtc(date.ToDateTime(Input.StartTime!.Value));
        // The time ends on the last day when one after the first is given (a course from Monday 14:00 to Wednesday 12:00);
        // otherwise an end at or before the start is the next morning (a night off-call from 20:00 to 07:00).
        var endDate = Input.EndDate is { } last && last > date ? last : Input.EndTime <= Input.StartTime ? date.AddDays(1) : date;
        return TimeOffSpan.Between(start, Zone.ToUtc(endDate.ToDateTime(Input.EndTime!.Value)));
    }

    protected TimeOffRepeat? ReadRepeat()
    {
        if (!Input.Repeat) return null;
        var days = Input.Weekdays.Select(d => Array.IndexOf(DayNames, d)).Where(i => i >= 0).Select(i => (DayOfWeek)i).ToHashSet();
        if (days.Count == 0) ModelState.AddModelError("Input.Weekdays", "Choose at least one weekday.");
        if (Input.Until is null) ModelState.AddModelError("Input.Until", "Choose the last day it repeats on (at most 2 years).");
        return ModelState.IsValid ? new TimeOffRepeat(1, days, Input.Until, null) : null;
    }

    protected async Task<IActionResult> RespondAsync(BookingResult result, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case BookingResult.TimeOffSaved saved:
                var first = saved.Entries.MinBy(e => e.StartsAt);
                var week = first is null ? "/calendar" : PazPaz.Pages.Calendar.IndexModel.CalendarUrl(CalendarView.Week, DateOnly.FromDateTime(Zone.ToLocal(first.StartsAt)));
                if (!Request.IsHtmx())
                {
                    TempData["Flash.Success"] = "Time off saved.";
                    return Redirect(Input.ReturnTo == "settings" ? "/settings/time-off" : week);
                }
                Response.Htmx(h => h.WithTrigger("appointment-saved", new { url = week }));
                return new NoContentResult();
            case BookingResult.NotFound:
                return NotFound();
            case BookingResult.Conflicted conflicted:
                Conflicts = conflicted.Conflicts;
                break;
            case BookingResult.SeriesConflicted clashes:
                Clashes = clashes.Clashes;
                break;
            case BookingResult.Refused refused:
                ModelState.AddModelError(FieldOf(refused.Field), refused.Message);
                break;
        }
        return Form(StatusCodes.Status422UnprocessableEntity);
    }

    private string FieldOf(string field) => field switch
    {
        "label" => "Input.Label",
        "starts_at" => Input.AllDay ? "Input.Date" : "Input.StartTime",
        "ends_at" or "end_date" => Input.AllDay ? "Input.EndDate" : "Input.EndTime",
        "weekdays" => "Input.Weekdays",
        "until" or "count" or "interval_weeks" => "Input.Until",
        _ => "Input.Date",
    };

    protected IActionResult Form(int status)
    {
        Response.StatusCode = status;
        Response.Headers.CacheControl = "no-store";
        return Request.IsHtmx() ? Partial("_TimeOffForm", this) : Page();
    }

    public string Format(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
    public static string Format(TimeOnly? time) => time?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "";
}
