using PazPaz.Domain;

namespace PazPaz.E2E.Support;

/// <summary>The journeys that book in a calendar of their own, each given a block of empty weeks.</summary>
public enum JourneyBlock { Calendar, LiveUpdates, Team, Notes, TimeOff, WorkingHours, Series }

/// <summary>
/// Where each journey class books: blocks of whole weeks ahead of the suite's instant, so that no journey sees another's
/// appointments and the demo practice's own (this week and next) are out of the way. Everything stays well within a year
/// of "now" (the booking form rightly asks before booking further ahead), whatever the day the suite runs. The series
/// block is placed so that Israel's next change of clocks falls between its sixth and seventh sessions.
/// </summary>
public static class JourneyWeeks
{
    /// <summary>Weeks per block (the largest week index a journey class uses, plus one).</summary>
    private static readonly (JourneyBlock Block, int Weeks)[] Sizes =
    [
        (JourneyBlock.Calendar, 14),
        (JourneyBlock.LiveUpdates, 3),
        (JourneyBlock.Team, 1),
        (JourneyBlock.Notes, 7),
        (JourneyBlock.TimeOff, 5),
        (JourneyBlock.WorkingHours, 1),
    ];

    public const int SeriesWeeks = 12;

    /// <summary>The Tuesday <paramref name="week"/> weeks into <paramref name="block"/>, for a suite started at <paramref name="suiteStart"/>.</summary>
    public static DateOnly Tuesday(DateTimeOffset suiteStart, TimeZoneInfo zone, JourneyBlock block, int week)
    {
        var size = WeeksIn(block);
        if (week < 0 || week >= size)
            throw new ArgumentOutOfRangeException(nameof(week), $"The {block} block has {size} weeks; give it more in JourneyWeeks.Sizes.");
        return Plan(suiteStart, zone)[block].AddDays(7 * week);
    }

    public static int WeeksIn(JourneyBlock block) =>
        block == JourneyBlock.Series ? SeriesWeeks : Sizes.Single(s => s.Block == block).Weeks;

    /// <summary>The first Tuesday of every block.</summary>
    public static IReadOnlyDictionary<JourneyBlock, DateOnly> Plan(DateTimeOffset suiteStart, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(suiteStart, zone).DateTime);
        // The demo practice is seeded this week and next (from Sunday): start on the Tuesday of the week after.
        var first = today.AddDays(-(int)today.DayOfWeek).AddDays(2 * 7 + (int)DayOfWeek.Tuesday);

        var change = NextChangeOfClocks(first.AddDays(5 * 7 + 1), zone);
        var seriesStart = LatestTuesdayOnOrBefore(change.AddDays(-1)).AddDays(-5 * 7);
        var seriesWeek = (seriesStart.DayNumber - first.DayNumber) / 7;

        // Each block takes the earliest weeks free of the blocks placed before it (so short ones fill the gap before the series).
        var plan = new Dictionary<JourneyBlock, DateOnly> { [JourneyBlock.Series] = seriesStart };
        var taken = new List<(int From, int To)> { (seriesWeek, seriesWeek + SeriesWeeks) };
        foreach (var (block, weeks) in Sizes)
        {
            var at = 0;
            while (taken.FirstOrDefault(t => at < t.To && at + weeks > t.From) is { To: > 0 } clash) at = clash.To;
            taken.Add((at, at + weeks));
            plan[block] = first.AddDays(7 * at);
        }
        return plan;
    }

    /// <summary>The first day on or after <paramref name="from"/> whose noon has a different UTC offset from the day before's.</summary>
    public static DateOnly NextChangeOfClocks(DateOnly from, TimeZoneInfo zone)
    {
        TimeSpan OffsetAtNoon(DateOnly day) => zone.GetUtcOffset(TimeZones.ToUtc(day.ToDateTime(new TimeOnly(12, 0)), zone));
        for (var day = from; day < from.AddDays(366); day = day.AddDays(1))
            if (OffsetAtNoon(day) != OffsetAtNoon(day.AddDays(-1))) return day;
        throw new InvalidOperationException($"{zone.Id} does not change its clocks within a year of {from}.");
    }

    private static DateOnly LatestTuesdayOnOrBefore(DateOnly day) =>
        day.AddDays(-(((int)day.DayOfWeek - (int)DayOfWeek.Tuesday + 7) % 7));
}
