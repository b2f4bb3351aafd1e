namespace PazPaz.Domain;

/// <summary>
/// Blocked time in the practice's calendar: a holiday, a course, a Friday off. It blocks booking like an appointment (the
/// same conflict warning, the same "book anyway"), and calendar feeds show it as "Busy" only. The label is the practice's
/// own (encrypted at rest, never in a feed). An all-day entry runs from local midnight of its first date to local midnight
/// after its last date in the practice's zone, so an all-day Friday is 23 or 25 hours long on a DST day. A repeating entry
/// is one row per occurrence of its <see cref="TimeOffSeries"/> (the appointment series' rule), like a series' sessions.
/// </summary>
public sealed class TimeOff : IWorkspaceOwned
{
    /// <summary>One entry covers at most 60 days (a longer absence is two entries); the conflict check's range scan relies on it.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(60);
    public const int MaxLabelLength = 200;
    /// <summary>What the calendar and the conflict list call an entry without a label.</summary>
    public const string DefaultLabel = "Time off";

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    /// <summary>Who entered it (null when the person was removed since).</summary>
    public Guid? CreatedByUserId { get; private set; }
    public string? Label { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public DateTimeOffset EndsAt { get; private set; }
    public bool AllDay { get; private set; }
    public Guid? SeriesId { get; private set; }
    /// <summary>The occurrence's local date in its series' rule.</summary>
    public DateOnly? SeriesDate { get; private set; }
    /// <summary>Edited on its own ("this one"): later edits of the series leave it as it is.</summary>
    public bool ChangedOnItsOwn { get; private set; }
    /// <summary>RFC 5545 SEQUENCE of its feed event: rises with every change of time.</summary>
    public int Sequence { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>
    /// Deleted, softly: the row stays so that a calendar feed's version (count, latest change) moves when time off goes,
    /// and subscribers drop the event. Everything else filters it out.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    public string DisplayLabel => LabelOrDefault(Label);

    /// <summary>What to call an entry whose label is <paramref name="label"/>: the label, or "Time off" without one.</summary>
    public static string LabelOrDefault(string? label) => string.IsNullOrWhiteSpace(label) ? DefaultLabel : label;

    private TimeOff() { }

    /// <summary>Field → message for every broken rule of an entry from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static Dictionary<string, string> Problems(DateTimeOffset start, DateTimeOffset end, string? label)
    {
        var problems = new Dictionary<string, string>();
        if (label?.Trim().Length > MaxLabelLength) problems["label"] = $"At most {MaxLabelLength} characters.";
        if (start.Year is < 2000 or > 2098) problems["starts_at"] = "The start date is out of range.";
        else if (end <= start) problems["ends_at"] = "The end must be after the start.";
        else if (end - start > MaxLength) problems["ends_at"] = "Time off lasts at most 60 days: add a second entry for a longer absence.";
        return problems;
    }

    /// <summary>Local midnight of <paramref name="first"/> to local midnight after <paramref name="last"/>, in <paramref name="zone"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) AllDayRange(DateOnly first, DateOnly last, TimeZoneInfo zone) =>
        (TimeZones.ToUtc(first.ToDateTime(TimeOnly.MinValue), zone), TimeZones.ToUtc(last.AddDays(1).ToDateTime(TimeOnly.MinValue), zone));

    public static TimeOff Create(Guid workspaceId, Guid? createdBy, string? label, DateTimeOffset start, DateTimeOffset end, bool allDay)
    {
        if (Problems(start, end, label) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        return new TimeOff
        {
            WorkspaceId = workspaceId, CreatedByUserId = createdBy, Label = Clean(label), AllDay = allDay,
            StartsAt = start.ToUniversalTime(), EndsAt = end.ToUniversalTime(),
        };
    }

    public void PlaceInSeries(Guid seriesId, DateOnly date)
    {
        SeriesId = seriesId;
        SeriesDate = date;
    }

    public void MarkChangedOnItsOwn()
    {
        if (SeriesId is not null) ChangedOnItsOwn = true;
    }

    /// <summary>Leaves its series ("this and following" was split off): the occurrence keeps its time.</summary>
    public void MoveToSeries(Guid seriesId) => SeriesId = seriesId;

    /// <summary>New label and time; returns false when nothing changed. A new time raises the feed's SEQUENCE.</summary>
    public bool Change(string? label, DateTimeOffset start, DateTimeOffset end, bool allDay)
    {
        if (Problems(start, end, label) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        var (newLabel, newStart, newEnd) = (Clean(label), start.ToUniversalTime(), end.ToUniversalTime());
        var moved = newStart != StartsAt || newEnd != EndsAt || allDay != AllDay;
        if (!moved && newLabel == Label) return false;
        (Label, StartsAt, EndsAt, AllDay) = (newLabel, newStart, newEnd, allDay);
        if (moved) Sequence++;
        return true;
    }

    public void Delete(DateTimeOffset now)
    {
        if (DeletedAt is not null) return;
        DeletedAt = now;
        Sequence++;
    }

    /// <summary>The local dates it covers (an all-day entry's first and last day; a timed one's start and end day).</summary>
    public (DateOnly First, DateOnly Last) LocalDates(TimeZoneInfo zone)
    {
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(StartsAt, zone).DateTime);
        var end = TimeZoneInfo.ConvertTime(EndsAt, zone).DateTime;
        var last = DateOnly.FromDateTime(end.TimeOfDay == TimeSpan.Zero ? end.AddDays(-1) : end);
        return (first, last < first ? first : last);
    }

    private static string? Clean(string? label) => string.IsNullOrWhiteSpace(label) ? null : label.Trim();
}

/// <summary>
/// A repeating time off: the appointment series' <see cref="SeriesRule"/> (every N weeks on weekdays, until a date or for N
/// times, at most 2 years, in the practice's zone), plus whether each occurrence is a whole local day. Its occurrences are
/// <see cref="TimeOff"/> rows, so blocking, the calendar and the feed read one table.
/// </summary>
public sealed class TimeOffSeries : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public DateOnly FirstDate { get; private set; }
    public TimeOnly StartTime { get; private set; }
    public int DurationMinutes { get; private set; }
    public int IntervalWeeks { get; private set; }
    public int WeekdayMask { get; private set; }
    public DayOfWeek WeekStart { get; private set; }
    public DateOnly? Until { get; private set; }
    public int? Count { get; private set; }
    public bool AllDay { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private TimeOffSeries() { }

    public SeriesRule Rule => new(FirstDate, StartTime, DurationMinutes, IntervalWeeks, SeriesRule.DaysOf(WeekdayMask), WeekStart, Until, Count);

    /// <summary>
    /// The rule's problems in time-off words. A repeating entry lasts at most a day (an all-day one is exactly its day), so
    /// every occurrence stays within the rule's one-day length.
    /// </summary>
    public static Dictionary<string, string> Problems(SeriesRule rule) =>
        rule.Problems().ToDictionary(p => p.Key switch { "scheduled_end" => "ends_at", "scheduled_start" => "starts_at", _ => p.Key },
            p => p.Key == "scheduled_end" ? "Repeating time off lasts between 1 minute and 24 hours (or all day)." :
                p.Value.Replace("first session", "first day").Replace("sessions", "times").Replace("session", "time"));

    public static TimeOffSeries Create(Guid workspaceId, SeriesRule rule, bool allDay)
    {
        if (Problems(rule) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        var series = new TimeOffSeries { WorkspaceId = workspaceId, AllDay = allDay };
        series.Apply(rule);
        return series;
    }

    /// <summary>
    /// Every occurrence as instants: the rule's dates (the appointment series' expansion), each at the rule's local time for
    /// its length, or for an all-day series from local midnight to the next (23 or 25 hours across a DST change).
    /// </summary>
    public static List<Occurrence> Occurrences(SeriesRule rule, bool allDay, TimeZoneInfo zone) =>
        allDay
            ? rule.Dates().Select(date =>
            {
                var (start, end) = TimeOff.AllDayRange(date, date, zone);
                return new Occurrence(date, start, end);
            }).ToList()
            : rule.Occurrences(zone);

    public List<Occurrence> Occurrences(TimeZoneInfo zone) => Occurrences(Rule, AllDay, zone);

    public TimeOff Entry(Occurrence occurrence, Guid? createdBy, string? label)
    {
        var entry = TimeOff.Create(WorkspaceId, createdBy, label, occurrence.Start, occurrence.End, AllDay);
        entry.PlaceInSeries(Id, occurrence.Date);
        return entry;
    }

    /// <summary>Ends the series before <paramref name="date"/> ("this and following" was deleted or split off).</summary>
    public void EndBefore(DateOnly date)
    {
        Until = date.AddDays(-1) < FirstDate ? FirstDate : date.AddDays(-1);
        Count = null;
    }

    /// <summary>A new series for the occurrences from <paramref name="rule"/>'s first date on, split off this one.</summary>
    public TimeOffSeries SplitOff(SeriesRule rule, bool allDay)
    {
        var split = new TimeOffSeries { WorkspaceId = WorkspaceId, AllDay = allDay };
        split.Apply(rule);
        return split;
    }

    public void Reshape(SeriesRule rule, bool allDay)
    {
        Apply(rule);
        AllDay = allDay;
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
}
