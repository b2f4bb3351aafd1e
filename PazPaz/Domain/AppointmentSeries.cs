using System.Globalization;

namespace PazPaz.Domain;

/// <summary>One session a series rule produces: its local date (the series' name for it) and its instants.</summary>
public sealed record Occurrence(DateOnly Date, DateTimeOffset Start, DateTimeOffset End);

/// <summary>How far an edit or cancellation of one session of a series reaches.</summary>
public enum SeriesScope { This, Following, All }

/// <summary>
/// "Every N weeks on these weekdays at this local time, until a date or for N sessions", in the practice's zone. Pure:
/// <see cref="Occurrences"/> turns it into instants, so 10:00 stays 10:00 across DST. Weeks for "every N weeks" are counted
/// from the week of <see cref="FirstDate"/>, starting on <see cref="WeekStart"/> (the calendar's week: Sunday in Israel,
/// Monday elsewhere). A local time inside a spring-forward gap starts at the end of the gap (02:30 → 03:00, same length);
/// a repeated fall-back time is its first occurrence (<see cref="TimeZones.ToUtc"/>).
/// </summary>
public sealed record SeriesRule(DateOnly FirstDate, TimeOnly StartTime, int DurationMinutes, int IntervalWeeks,
    IReadOnlySet<DayOfWeek> Weekdays, DayOfWeek WeekStart, DateOnly? Until, int? Count)
{
    public const int MaxIntervalWeeks = 52;
    /// <summary>A series spans at most two years: its last session is before the second anniversary of its first day.</summary>
    public DateOnly LastAllowedDate => FirstDate.AddYears(2).AddDays(-1);

    /// <summary>Field → message for every broken rule; empty when the rule can be expanded.</summary>
    public Dictionary<string, string> Problems()
    {
        var problems = new Dictionary<string, string>();
        if (IntervalWeeks is < 1 or > MaxIntervalWeeks) problems["interval_weeks"] = $"Repeat every 1 to {MaxIntervalWeeks} weeks.";
        if (Weekdays.Count == 0) problems["weekdays"] = "Choose at least one weekday.";
        if (DurationMinutes is < 1 || DurationMinutes > Appointment.MaxLength.TotalMinutes) problems["scheduled_end"] = "A session lasts between 1 minute and 24 hours.";
        if (Until is null == Count is null) problems["until"] = "End the series on a date or after a number of sessions (one of the two).";
        if (Until is { } until && until < FirstDate) problems["until"] = "The last date must not be before the first session.";
        if (Until is { } far && far > LastAllowedDate)
            problems["until"] = $"A series lasts at most 2 years: end it by {LastAllowedDate.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}.";
        if (Count is < 1) problems["count"] = "At least one session.";
        if (FirstDate.Year is < 2000 or > 2098) problems["scheduled_start"] = "The start date is out of range.";
        if (problems.Count == 0 && Count is { } count && Dates().Count < count)
            problems["count"] = $"{count} sessions on these days would run past 2 years; choose fewer sessions or more days a week.";
        if (problems.Count == 0 && Dates().Count == 0) problems["weekdays"] = "No session falls on the chosen days before the last date.";
        return problems;
    }

    /// <summary>The local dates of the sessions, in order (at most 2 years of them).</summary>
    public List<DateOnly> Dates()
    {
        var dates = new List<DateOnly>();
        var firstWeek = FirstDate.AddDays(-(((int)FirstDate.DayOfWeek - (int)WeekStart + 7) % 7));
        var last = Until is { } until && until < LastAllowedDate ? until : LastAllowedDate;
        for (var date = FirstDate; date <= last; date = date.AddDays(1))
        {
            if ((date.DayNumber - firstWeek.DayNumber) / 7 % IntervalWeeks != 0 || !Weekdays.Contains(date.DayOfWeek)) continue;
            dates.Add(date);
            if (Count is { } count && dates.Count == count) break;
        }
        return dates;
    }

    /// <summary>Every session as instants in <paramref name="zone"/>: the local start time on each date, lasting the duration.</summary>
    public List<Occurrence> Occurrences(TimeZoneInfo zone) => Dates().Select(date => At(date, zone)).ToList();

    public Occurrence At(DateOnly date, TimeZoneInfo zone)
    {
        var start = TimeZones.ToUtc(date.ToDateTime(StartTime), zone);
        return new Occurrence(date, start, start.AddMinutes(DurationMinutes));
    }

    /// <summary>"Every Tuesday", "Every 2 weeks on Sunday and Wednesday".</summary>
    public string Describe()
    {
        var order = Enumerable.Range(0, 7).Select(i => (DayOfWeek)(((int)WeekStart + i) % 7)).Where(Weekdays.Contains)
            .Select(d => CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(d)).ToList();
        var days = order.Count == 1 ? order[0] : string.Join(", ", order[..^1]) + " and " + order[^1];
        return IntervalWeeks == 1 ? $"Every {days}" : $"Every {IntervalWeeks} weeks on {days}";
    }

    public static int MaskOf(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (mask, d) => mask | 1 << (int)d);

    public static HashSet<DayOfWeek> DaysOf(int mask) => Enum.GetValues<DayOfWeek>().Where(d => (mask & 1 << (int)d) != 0).ToHashSet();
}

/// <summary>
/// A recurring booking: the rule and the client. Each session is an ordinary <see cref="Appointment"/> carrying the series'
/// id and its local date, so feeds, exports, reminders, digests and conflicts treat every session on its own. A session
/// edited on its own is marked so (<see cref="Appointment.ChangedOnItsOwn"/>) and later series edits leave it as it is.
/// </summary>
public sealed class AppointmentSeries : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public DateOnly FirstDate { get; private set; }
    public TimeOnly StartTime { get; private set; }
    public int DurationMinutes { get; private set; }
    public int IntervalWeeks { get; private set; }
    /// <summary>Bit (1 &lt;&lt; DayOfWeek) per chosen weekday.</summary>
    public int WeekdayMask { get; private set; }
    public DayOfWeek WeekStart { get; private set; }
    public DateOnly? Until { get; private set; }
    public int? Count { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private AppointmentSeries() { }

    public SeriesRule Rule => new(FirstDate, StartTime, DurationMinutes, IntervalWeeks, SeriesRule.DaysOf(WeekdayMask), WeekStart, Until, Count);

    public static AppointmentSeries Create(Guid workspaceId, Guid clientId, SeriesRule rule)
    {
        if (rule.Problems() is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        var series = new AppointmentSeries { WorkspaceId = workspaceId, ClientId = clientId };
        series.Apply(rule);
        return series;
    }

    /// <summary>The session for <paramref name="occurrence"/>: an ordinary appointment that knows its series and date.</summary>
    public Appointment Session(Occurrence occurrence, LocationType locationType, Guid? serviceId, Guid? locationId, string? locationDetails, string? notes)
    {
        var session = Appointment.Create(WorkspaceId, ClientId, occurrence.Start, occurrence.End, locationType, serviceId, locationId, locationDetails, notes);
        session.PlaceInSeries(Id, occurrence.Date);
        return session;
    }

    /// <summary>
    /// The rule after the whole series moved by <paramref name="days"/> to a new local time and length ("every Tuesday 10:00"
    /// becomes "every Wednesday 11:00"); the sessions are moved by the caller.
    /// </summary>
    public static SeriesRule Shifted(SeriesRule rule, int days, TimeOnly startTime, int durationMinutes) => rule with
    {
        FirstDate = rule.FirstDate.AddDays(days),
        Until = rule.Until?.AddDays(days),
        Weekdays = rule.Weekdays.Select(d => (DayOfWeek)(((int)d + days % 7 + 7) % 7)).ToHashSet(),
        StartTime = startTime,
        DurationMinutes = durationMinutes,
    };

    /// <summary>Replaces the rule (a series edit of every session to come): it describes the sessions from now on.</summary>
    public void Reshape(SeriesRule rule) => Apply(rule);

    public void ChangeClient(Guid clientId) => ClientId = clientId;

    /// <summary>
    /// Ends the series before <paramref name="date"/> ("this and following" moved its later sessions to a new series):
    /// its rule then says truthfully where it stops.
    /// </summary>
    public void EndBefore(DateOnly date)
    {
        Until = date.AddDays(-1) < FirstDate ? FirstDate : date.AddDays(-1);
        Count = null;
    }

    /// <summary>A new series for the sessions from <paramref name="rule"/>'s first date on, split off this one.</summary>
    public AppointmentSeries SplitOff(SeriesRule rule, Guid clientId)
    {
        var split = new AppointmentSeries { WorkspaceId = WorkspaceId, ClientId = clientId };
        split.Apply(rule);
        return split;
    }

    private void Apply(SeriesRule rule)
    {
        FirstDate = rule.FirstDate;
        StartTime = rule.StartTime;
        DurationMinutes = rule.DurationMinutes;
        IntervalWeeks = rule.IntervalWeeks;
        WeekdayMask = SeriesRule.MaskOf(rule.Weekdays);
        WeekStart = rule.WeekStart;
        Until = rule.Until;
        Count = rule.Count;
    }

    /// <summary>The calendar's week: Sunday to Saturday in Israel, Monday to Sunday elsewhere.</summary>
    public static DayOfWeek WeekStartFor(string timeZoneId) =>
        timeZoneId is "Asia/Jerusalem" or "Asia/Tel_Aviv" ? DayOfWeek.Sunday : DayOfWeek.Monday;
}
