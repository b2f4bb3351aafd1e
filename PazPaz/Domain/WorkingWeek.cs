using System.Globalization;
using System.Text.Json;

namespace PazPaz.Domain;

/// <summary>A span of working time within one day, in the practice's zone.</summary>
public sealed record TimeRange(TimeOnly Start, TimeOnly End)
{
    public int StartMinute => Start.Hour * 60 + Start.Minute;
    /// <summary>24:00 (the end of the day) is stored as 00:00: an end is never before its start.</summary>
    public int EndMinute => End == TimeOnly.MinValue ? 24 * 60 : End.Hour * 60 + End.Minute;
}

/// <summary>
/// One user's working week: for each weekday, the ranges they work (none: a day off), in the practice's zone. It shades
/// the calendar, gives the booking dialog its first time, and the digests their first days. Until a user sets theirs, the
/// practice's usual week applies: Sunday to Thursday 08:00–18:00 in Israel (weeks start on Sunday), Monday to Friday
/// 09:00–17:00 elsewhere (weeks start on Monday).
/// </summary>
public sealed class WorkingWeek
{
    public const int MaxRangesPerDay = 3;

    private static readonly DayOfWeek[] IsraeliWeek = [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday];
    private static readonly DayOfWeek[] WesternWeek = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private readonly Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> days;

    public DayOfWeek FirstDayOfWeek { get; }

    private WorkingWeek(DayOfWeek firstDayOfWeek, Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> days) =>
        (FirstDayOfWeek, this.days) = (firstDayOfWeek, days);

    public static bool IsIsraeli(string timeZoneId) => timeZoneId is "Asia/Jerusalem" or "Asia/Tel_Aviv";

    /// <summary>The practice's usual week, from its zone.</summary>
    public static WorkingWeek Default(string timeZoneId) => IsIsraeli(timeZoneId)
        ? Uniform(DayOfWeek.Sunday, IsraeliWeek, new TimeRange(new(8, 0), new(18, 0)))
        : Uniform(DayOfWeek.Monday, WesternWeek, new TimeRange(new(9, 0), new(17, 0)));

    /// <summary>The user's stored week (<see cref="ToJson"/>), or the practice's usual one when there is none.</summary>
    public static WorkingWeek For(string? stored, string timeZoneId)
    {
        var first = IsIsraeli(timeZoneId) ? DayOfWeek.Sunday : DayOfWeek.Monday;
        if (string.IsNullOrEmpty(stored)) return Default(timeZoneId);
        var parsed = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(stored) ?? [];
        return new WorkingWeek(first, Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d =>
            (IReadOnlyList<TimeRange>)(parsed.TryGetValue(Key(d), out var ranges) ? ranges : [])
                .Select(r => new TimeRange(TimeOnly.ParseExact(r[0], "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(r[1], "HH:mm", CultureInfo.InvariantCulture)))
                .ToList()));
    }

    /// <summary>
    /// What is wrong with these ranges, keyed by weekday; empty when they make a working week. Each range ends after it
    /// starts (24:00 written 00:00), a day has at most <see cref="MaxRangesPerDay"/> and they do not overlap.
    /// </summary>
    public static Dictionary<DayOfWeek, string> Problems(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> ranges)
    {
        var problems = new Dictionary<DayOfWeek, string>();
        foreach (var (day, list) in ranges)
        {
            var name = CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(day);
            if (list.Count > MaxRangesPerDay) problems[day] = $"At most {MaxRangesPerDay} ranges on {name}.";
            else if (list.FirstOrDefault(r => r.EndMinute <= r.StartMinute) is { } backwards)
                problems[day] = $"On {name}, {backwards.Start:HH\\:mm} to {backwards.End:HH\\:mm} ends before it starts.";
            else if (list.OrderBy(r => r.StartMinute).Zip(list.OrderBy(r => r.StartMinute).Skip(1)).FirstOrDefault(p => p.Second.StartMinute < p.First.EndMinute) is { First: not null } overlap)
                problems[day] = $"On {name}, {overlap.First.Start:HH\\:mm}–{overlap.First.End:HH\\:mm} and {overlap.Second.Start:HH\\:mm}–{overlap.Second.End:HH\\:mm} overlap.";
        }
        return problems;
    }

    /// <summary>A week from ranges that passed <see cref="Problems"/>, each day's ranges in order.</summary>
    public static WorkingWeek From(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> ranges, string timeZoneId)
    {
        if (Problems(ranges).Count > 0) throw new DomainException("These working hours do not make a week.");
        return new WorkingWeek(IsIsraeli(timeZoneId) ? DayOfWeek.Sunday : DayOfWeek.Monday, Enum.GetValues<DayOfWeek>().ToDictionary(d => d,
            d => (IReadOnlyList<TimeRange>)(ranges.TryGetValue(d, out var list) ? list : []).OrderBy(r => r.StartMinute).ToList()));
    }

    public IReadOnlyList<TimeRange> On(DayOfWeek day) => days.TryGetValue(day, out var ranges) ? ranges : [];

    public bool IsWorkingDay(DateOnly date) => On(date.DayOfWeek).Count > 0;

    public IEnumerable<DayOfWeek> WorkingDays => Enum.GetValues<DayOfWeek>().Where(d => On(d).Count > 0);

    /// <summary>The weekdays in the order the calendar shows them, starting with <see cref="FirstDayOfWeek"/>.</summary>
    public IEnumerable<DayOfWeek> DaysInOrder => Enumerable.Range(0, 7).Select(i => (DayOfWeek)(((int)FirstDayOfWeek + i) % 7));

    public DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek - (int)FirstDayOfWeek + 7) % 7));

    /// <summary>
    /// When <paramref name="date"/>'s work begins: its first range; on a day off (a booking on a Friday in Israel, New
    /// Year's Day) the week's earliest start, as the usual start of a working day; 09:00 when no day has hours.
    /// </summary>
    public TimeOnly StartOn(DateOnly date) => On(date.DayOfWeek) is [var first, ..] ? first.Start
        : days.Values.Where(ranges => ranges.Count > 0).Select(ranges => ranges[0].Start).DefaultIfEmpty(new TimeOnly(9, 0)).Min();

    /// <summary>Stored as jsonb: {"mon":[["09:00","13:00"],["14:00","18:00"]], …}; days off are left out.</summary>
    public string ToJson() => JsonSerializer.Serialize(days.Where(d => d.Value.Count > 0).OrderBy(d => d.Key)
        .ToDictionary(d => Key(d.Key), d => d.Value.Select(r => new[] { r.Start.ToString("HH:mm", CultureInfo.InvariantCulture), r.End.ToString("HH:mm", CultureInfo.InvariantCulture) }).ToArray()));

    private static WorkingWeek Uniform(DayOfWeek first, DayOfWeek[] working, TimeRange range) =>
        new(first, Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d => (IReadOnlyList<TimeRange>)(working.Contains(d) ? [range] : [])));

    private static string Key(DayOfWeek day) => day.ToString()[..3].ToLowerInvariant();
}
