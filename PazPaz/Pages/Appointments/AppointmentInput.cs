using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PazPaz.Pages.Calendar;

namespace PazPaz.Pages.Appointments;

/// <summary>The appointment form's fields, with the names the form posts (client_id, date, start, end …).</summary>
public sealed class AppointmentInput
{
    [ModelBinder(Name = "client_id")] public Guid? ClientId { get; set; }
    [ModelBinder(Name = "service_id")] public Guid? ServiceId { get; set; }
    [ModelBinder(Name = "location_id")] public Guid? LocationId { get; set; }
    [ModelBinder(Name = "location_details")] public string? LocationDetails { get; set; }
    [ModelBinder(Name = "date")] public string? Date { get; set; }
    [ModelBinder(Name = "start")] public string? Start { get; set; }
    [ModelBinder(Name = "end")] public string? End { get; set; }
    [ModelBinder(Name = "notes")] public string? Notes { get; set; }
    [ModelBinder(Name = "allow_conflict")] public bool AllowConflict { get; set; }
    /// <summary>The date and times the user saw the overlap warning for; "book anyway" holds for that slot only.</summary>
    [ModelBinder(Name = "confirmed_slot")] public string? ConfirmedSlot { get; set; }
    /// <summary>What was typed in the client box; kept when no client was chosen, to prefill "New client".</summary>
    [ModelBinder(Name = "client_query")] public string? ClientQuery { get; set; }
    /// <summary>The date the user confirmed although it is more than a year ahead (a year typo is the usual cause).</summary>
    [ModelBinder(Name = "confirmed_far_date")] public string? ConfirmedFarDate { get; set; }

    // Repeat (new appointments only): off by default; every N weeks on the ticked weekdays, until a date or for N sessions.
    [ModelBinder(Name = "repeat")] public bool Repeat { get; set; }
    [ModelBinder(Name = "interval_weeks")] public int? IntervalWeeks { get; set; } = 1;
    [ModelBinder(Name = "weekdays")] public List<string> Weekdays { get; set; } = [];
    /// <summary>"count" (after N sessions) or "until" (on a date).</summary>
    [ModelBinder(Name = "ends")] public string? Ends { get; set; } = "count";
    [ModelBinder(Name = "until")] public string? Until { get; set; }
    [ModelBinder(Name = "count")] public int? Count { get; set; } = 12;
    /// <summary>Dates the therapist chose to skip ("Skip these dates"), carried on through later posts.</summary>
    [ModelBinder(Name = "skip_dates")] public List<string> SkipDates { get; set; } = [];
    /// <summary>The clashing dates the form listed; "Skip these dates" skips exactly these.</summary>
    [ModelBinder(Name = "clash_dates")] public List<string> ClashDates { get; set; } = [];
    /// <summary>"skip" or "anyway": the button pressed under a series' clash list.</summary>
    [ModelBinder(Name = "series_action")] public string? SeriesAction { get; set; }
    /// <summary>The rule and slot the clash list was shown for; "Book anyway" holds for that series only.</summary>
    [ModelBinder(Name = "confirmed_series")] public string? ConfirmedSeries { get; set; }
    /// <summary>The appointment's version when the form was filled in (edits only): a save over a newer one is refused.</summary>
    [ModelBinder(Name = "version")] public uint? Version { get; set; }
    /// <summary>For a session of a series: this session, this and following, or all (to come).</summary>
    [ModelBinder(Name = "scope")] public string? Scope { get; set; }

    public string SeriesSignature => string.Join('|', Slot, Repeat, IntervalWeeks, string.Join(',', Weekdays.Order()), Ends, Until, Count,
        string.Join(',', SkipDates.Order()), Scope);

    public bool SeriesConflictConfirmed => SeriesAction == "anyway" && ConfirmedSeries == SeriesSignature;

    public static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <summary>The repeat fields read and checked; null (with field errors) when they cannot be used.</summary>
    public (int Interval, HashSet<DayOfWeek> Days, DateOnly? Until, int? Count, HashSet<DateOnly> Skip)? ReadRepeat(ModelStateDictionary errors)
    {
        var c = CultureInfo.InvariantCulture;
        if (IntervalWeeks is not (>= 1 and <= 52)) errors.AddModelError("interval_weeks", "Repeat every 1 to 52 weeks.");
        var days = Weekdays.Select(w => Array.IndexOf(DayNames, w)).Where(i => i >= 0).Select(i => (DayOfWeek)i).ToHashSet();
        if (days.Count == 0) errors.AddModelError("weekdays", "Tick at least one day.");
        DateOnly? until = null;
        int? count = null;
        if (Ends == "until")
        {
            if (DateOnly.TryParseExact(Until, "yyyy-MM-dd", c, DateTimeStyles.None, out var last)) until = last;
            else errors.AddModelError("until", "Enter the last date.");
        }
        else if (Count is >= 1 and <= 800) count = Count;
        else errors.AddModelError("count", "Enter how many sessions (1 or more).");
        var skip = SkipDates.Concat(SeriesAction == "skip" ? ClashDates : [])
            .Select(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", c, DateTimeStyles.None, out var day) ? day : (DateOnly?)null)
            .OfType<DateOnly>().ToHashSet();
        return errors.ErrorCount == 0 ? (IntervalWeeks!.Value, days, until, count, skip) : null;
    }

    public string Slot => SlotOf(Date, Start, End);

    public static string SlotOf(string? date, string? start, string? end) => $"{date}|{start}|{end}";

    public bool ConflictConfirmed => AllowConflict && ConfirmedSlot == Slot;

    public void SetTimes(DateTime start, DateTime end)
    {
        Date = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Start = start.ToString("HH:mm", CultureInfo.InvariantCulture);
        End = end.ToString("HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>Date, start and end as wall-clock times in the practice's zone; problems become field errors.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? ReadTimes(PracticeZone zone, ModelStateDictionary errors) =>
        ReadTimes(Date, Start, End, zone, errors);

    public static (DateTimeOffset Start, DateTimeOffset End)? ReadTimes(string? date, string? start, string? end, PracticeZone zone,
        ModelStateDictionary errors)
    {
        var c = CultureInfo.InvariantCulture;
        string[] times = ["HH:mm", "H:mm", "HH:mm:ss"];
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", c, DateTimeStyles.None, out var day)) errors.AddModelError("date", "Enter the date.");
        else if (day.Year is < 2000 or > 2100) errors.AddModelError("date", "Choose a date between 2000 and 2100.");
        if (!TimeOnly.TryParseExact(start, times, c, DateTimeStyles.None, out var from)) errors.AddModelError("start", "Enter the start time.");
        if (!TimeOnly.TryParseExact(end, times, c, DateTimeStyles.None, out var to)) errors.AddModelError("end", "Enter the end time.");
        else if (errors.GetFieldValidationState("start") != ModelValidationState.Invalid && to <= from && !EndsNextDay(from, to))
            errors.AddModelError("end", "The end must be after the start.");
        if (errors.GetFieldValidationState("date") == ModelValidationState.Invalid || errors.GetFieldValidationState("start") == ModelValidationState.Invalid ||
            errors.GetFieldValidationState("end") == ModelValidationState.Invalid) return null;
        return (zone.ToUtc(day.ToDateTime(from)), zone.ToUtc((EndsNextDay(from, to) ? day.AddDays(1) : day).ToDateTime(to)));
    }

    /// <summary>
    /// An end earlier than the start means the next day (a late session, 23:00–00:30) when that makes a session of at most
    /// <see cref="LongestOvernight"/>; 10:00–09:00 stays a mistake rather than becoming a 23-hour appointment.
    /// </summary>
    public static bool EndsNextDay(TimeOnly start, TimeOnly end) => end < start && end.ToTimeSpan() + TimeSpan.FromDays(1) - start.ToTimeSpan() <= LongestOvernight;

    public static readonly TimeSpan LongestOvernight = TimeSpan.FromHours(8);

    /// <summary>"Ends the next day, Fri 5 Dec at 00:30" for a session past midnight, else null.</summary>
    public static string? OvernightNote((DateTimeOffset Start, DateTimeOffset End)? times, PracticeZone zone) =>
        times is { } t && zone.ToLocal(t.End).Date > zone.ToLocal(t.Start).Date && zone.ToLocal(t.End).TimeOfDay > TimeSpan.Zero
            ? $"Ends the next day, {zone.ToLocal(t.End).ToString("ddd d MMM", PracticeZone.Culture)} at {zone.Time(t.End)}."
            : null;

    /// <summary>The typed client text split into a first and last name, for "New client" (at most 100 characters each).</summary>
    public (string? First, string? Last) TypedClientName()
    {
        var typed = Clean(ClientQuery);
        if (typed is null) return (null, null);
        var space = typed.IndexOf(' ');
        static string Cut(string s) => s.Length > 100 ? s[..100] : s;
        return space < 0 ? (Cut(typed), null) : (Cut(typed[..space]), Cut(typed[(space + 1)..].Trim()));
    }

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
