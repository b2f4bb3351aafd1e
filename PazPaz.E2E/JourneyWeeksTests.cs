using PazPaz.Domain;
using PazPaz.E2E.Support;

namespace PazPaz.E2E;

/// <summary>
/// The journeys' weeks, for a suite started on any day of two years and at both ends of a day: blocks never share a
/// week, none reaches the demo practice's two weeks or the "more than a year ahead" question, and the series block
/// crosses a change of clocks between its sixth and seventh sessions. No browser: this is about dates only.
/// </summary>
public sealed class JourneyWeeksTests
{
    private static readonly TimeZoneInfo Israel = TimeZones.Find("Asia/Jerusalem");

    private static readonly (JourneyBlock Block, int Weeks)[] Blocks =
        [.. Enum.GetValues<JourneyBlock>().Select(b => (b, JourneyWeeks.WeeksIn(b)))];

    [Fact]
    public void Every_day_of_two_years_gets_separate_weeks_within_a_year_and_a_series_across_a_change_of_clocks()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var day = 0; day < 2 * 366; day++)
        foreach (var hour in new[] { 0.5, 23.5 })
        {
            var suiteStart = start.AddDays(day).AddHours(hour - 2); // local 00:30 and 23:30 in Israel's winter
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(suiteStart, Israel).DateTime);
            var demoEnds = today.AddDays(-(int)today.DayOfWeek).AddDays(14);
            var taken = new Dictionary<DateOnly, JourneyBlock>();
            foreach (var (block, weeks) in Blocks)
            for (var week = 0; week < weeks; week++)
            {
                var tuesday = JourneyWeeks.Tuesday(suiteStart, Israel, block, week);
                Assert.Equal(DayOfWeek.Tuesday, tuesday.DayOfWeek);
                Assert.True(tuesday >= demoEnds, $"{suiteStart:o}: {block} week {week} ({tuesday}) is in the demo's weeks.");
                Assert.True(tuesday.AddDays(4).DayNumber - today.DayNumber < 350, $"{suiteStart:o}: {block} week {week} ({tuesday}) is too far ahead.");
                Assert.True(taken.TryAdd(tuesday, block), $"{suiteStart:o}: {block} and {taken.GetValueOrDefault(tuesday)} share {tuesday}.");
            }

            TimeSpan OffsetAtTen(DateOnly d) => Israel.GetUtcOffset(TimeZones.ToUtc(d.ToDateTime(new TimeOnly(10, 0)), Israel));
            var sixth = JourneyWeeks.Tuesday(suiteStart, Israel, JourneyBlock.Series, 5);
            Assert.NotEqual(OffsetAtTen(sixth), OffsetAtTen(sixth.AddDays(7)));
        }
    }
}
