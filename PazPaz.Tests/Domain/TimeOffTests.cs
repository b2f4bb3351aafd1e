using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class TimeOffTests
{
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");
    private static readonly TimeZoneInfo NewYork = TimeZones.Find("America/New_York");

    [Theory]
    // Israel: summer time starts Friday 27 March 2026 at 02:00 and ends Sunday 25 October 2026 at 02:00.
    [InlineData("Asia/Jerusalem", "2026-03-27", 23)]
    [InlineData("Asia/Jerusalem", "2026-10-25", 25)]
    [InlineData("Asia/Jerusalem", "2026-06-05", 24)]
    // New York: 8 March 2026 and 1 November 2026.
    [InlineData("America/New_York", "2026-03-08", 23)]
    [InlineData("America/New_York", "2026-11-01", 25)]
    public void An_all_day_entry_runs_from_local_midnight_to_the_next_whatever_the_day_length(string zoneId, string date, int hours)
    {
        var zone = TimeZones.Find(zoneId);
        var day = DateOnly.Parse(date);

        var (start, end) = TimeOff.AllDayRange(day, day, zone);

        Assert.Equal(TimeSpan.FromHours(hours), end - start);
        Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(start, zone).TimeOfDay);
        Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(end, zone).TimeOfDay);
        var entry = TimeOff.Create(Guid.NewGuid(), null, null, start, end, allDay: true);
        Assert.Equal((day, day), entry.LocalDates(zone));
        Assert.Equal("Time off", entry.DisplayLabel);
    }

    [Fact]
    public void Every_Friday_off_repeats_on_the_series_rule_as_whole_local_days_across_dst()
    {
        // Fridays from 13 March 2026: 27 March is the day Israel's clocks go forward (a 23-hour day).
        var rule = new SeriesRule(new DateOnly(2026, 3, 13), TimeOnly.MinValue, 24 * 60, 1, new HashSet<DayOfWeek> { DayOfWeek.Friday },
            DayOfWeek.Sunday, Until: null, Count: 4);
        Assert.Empty(TimeOffSeries.Problems(rule));

        var occurrences = TimeOffSeries.Occurrences(rule, allDay: true, Jerusalem);

        Assert.Equal([new DateOnly(2026, 3, 13), new DateOnly(2026, 3, 20), new DateOnly(2026, 3, 27), new DateOnly(2026, 4, 3)], occurrences.Select(o => o.Date));
        Assert.All(occurrences, o => Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(o.Start, Jerusalem).TimeOfDay));
        Assert.All(occurrences, o => Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(o.End, Jerusalem).TimeOfDay));
        Assert.Equal([24, 24, 23, 24], occurrences.Select(o => (int)(o.End - o.Start).TotalHours));
    }

    [Fact]
    public void A_repeating_timed_entry_keeps_its_local_time_across_dst_in_New_York()
    {
        // Mondays 12:00–13:00 from 2 March 2026; clocks go forward on 8 March.
        var rule = new SeriesRule(new DateOnly(2026, 3, 2), new TimeOnly(12, 0), 60, 1, new HashSet<DayOfWeek> { DayOfWeek.Monday },
            DayOfWeek.Monday, Until: new DateOnly(2026, 3, 16), Count: null);

        var occurrences = TimeOffSeries.Occurrences(rule, allDay: false, NewYork);

        Assert.Equal(3, occurrences.Count);
        Assert.All(occurrences, o => Assert.Equal(new TimeSpan(12, 0, 0), TimeZoneInfo.ConvertTime(o.Start, NewYork).TimeOfDay));
        Assert.Equal(2, occurrences.Select(o => o.Start.UtcDateTime.TimeOfDay).Distinct().Count());
    }

    [Fact]
    public void The_rules_refuse_an_end_before_the_start_a_too_long_entry_and_a_too_long_label()
    {
        var start = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Contains("ends_at", TimeOff.Problems(start, start, null).Keys);
        Assert.Contains("ends_at", TimeOff.Problems(start, start.AddDays(61), null).Keys);
        Assert.Empty(TimeOff.Problems(start, start.AddDays(60), null));
        Assert.Contains("label", TimeOff.Problems(start, start.AddHours(1), new string('x', 201)).Keys);
        Assert.Throws<DomainException>(() => TimeOff.Create(Guid.NewGuid(), null, null, start, start.AddHours(-1), false));
        var repeat = new SeriesRule(new DateOnly(2026, 6, 1), new TimeOnly(8, 0), 25 * 60, 1, new HashSet<DayOfWeek> { DayOfWeek.Monday }, DayOfWeek.Monday, null, 3);
        Assert.Equal("Repeating time off lasts between 1 minute and 24 hours (or all day).", TimeOffSeries.Problems(repeat)["ends_at"]);
    }

    [Fact]
    public void A_change_of_time_raises_the_sequence_and_a_label_change_does_not()
    {
        var start = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var entry = TimeOff.Create(Guid.NewGuid(), null, "Course", start, start.AddHours(2), false);
        Assert.False(entry.Change(" Course ", start, start.AddHours(2), false));
        Assert.True(entry.Change("Holiday", start, start.AddHours(2), false));
        Assert.Equal(0, entry.Sequence);
        Assert.True(entry.Change("Holiday", start, start.AddHours(3), false));
        Assert.Equal(1, entry.Sequence);
    }
}
