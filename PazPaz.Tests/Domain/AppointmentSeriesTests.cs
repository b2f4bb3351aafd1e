using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class AppointmentSeriesTests
{
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");
    private static readonly TimeZoneInfo NewYork = TimeZones.Find("America/New_York");
    private static readonly TimeZoneInfo London = TimeZones.Find("Europe/London");

    private static SeriesRule Weekly(DateOnly first, TimeOnly time, int? count = null, DateOnly? until = null, int interval = 1,
        DayOfWeek weekStart = DayOfWeek.Sunday, params DayOfWeek[] days) =>
        new(first, time, 60, interval, (days.Length == 0 ? [first.DayOfWeek] : days).ToHashSet(), weekStart, until, count);

    private static DateTimeOffset Utc(int y, int m, int d, int h, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    [Fact]
    public void Ten_oclock_stays_ten_oclock_across_jerusalems_spring_forward()
    {
        // Israel moves from +02:00 to +03:00 on Friday 27 March 2026.
        var sessions = Weekly(new DateOnly(2026, 3, 10), new TimeOnly(10, 0), count: 4).Occurrences(Jerusalem);

        Assert.Equal([new DateOnly(2026, 3, 10), new(2026, 3, 17), new(2026, 3, 24), new(2026, 3, 31)], sessions.Select(s => s.Date));
        Assert.Equal([Utc(2026, 3, 10, 8), Utc(2026, 3, 17, 8), Utc(2026, 3, 24, 8), Utc(2026, 3, 31, 7)], sessions.Select(s => s.Start));
        Assert.All(sessions, s => Assert.Equal(new TimeOnly(10, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(s.Start, Jerusalem).DateTime)));
        Assert.All(sessions, s => Assert.Equal(TimeSpan.FromHours(1), s.End - s.Start));
    }

    [Fact]
    public void Ten_oclock_stays_ten_oclock_across_jerusalems_fall_back()
    {
        // Israel moves back to +02:00 on Sunday 25 October 2026.
        var sessions = Weekly(new DateOnly(2026, 10, 20), new TimeOnly(10, 0), count: 2).Occurrences(Jerusalem);
        Assert.Equal([Utc(2026, 10, 20, 7), Utc(2026, 10, 27, 8)], sessions.Select(s => s.Start));
    }

    [Fact]
    public void Nine_oclock_stays_nine_oclock_across_new_yorks_fall_back_and_spring_forward()
    {
        var autumn = Weekly(new DateOnly(2026, 10, 26), new TimeOnly(9, 0), count: 2, weekStart: DayOfWeek.Monday).Occurrences(NewYork);
        Assert.Equal([Utc(2026, 10, 26, 13), Utc(2026, 11, 2, 14)], autumn.Select(s => s.Start));

        var spring = Weekly(new DateOnly(2027, 3, 8), new TimeOnly(9, 0), count: 2, weekStart: DayOfWeek.Monday).Occurrences(NewYork);
        Assert.Equal([Utc(2027, 3, 8, 14), Utc(2027, 3, 15, 13)], spring.Select(s => s.Start));
    }

    [Fact]
    public void A_session_in_the_spring_forward_gap_starts_at_the_end_of_the_gap_and_keeps_its_length()
    {
        // Jerusalem skips 02:00–03:00 on Friday 27 March 2026: the 02:30 session that night starts at 03:00 (+03:00).
        var jerusalem = Weekly(new DateOnly(2026, 3, 20), new TimeOnly(2, 30), count: 3).Occurrences(Jerusalem);
        Assert.Equal([Utc(2026, 3, 20, 0, 30), Utc(2026, 3, 27, 0), Utc(2026, 4, 2, 23, 30)], jerusalem.Select(s => s.Start));
        Assert.Equal(Utc(2026, 3, 27, 1), jerusalem[1].End);

        // New York skips 02:00–03:00 on Sunday 8 March 2026: 02:30 becomes 03:00 EDT (07:00 UTC).
        var newYork = Weekly(new DateOnly(2026, 3, 1), new TimeOnly(2, 30), count: 2, weekStart: DayOfWeek.Monday).Occurrences(NewYork);
        Assert.Equal([Utc(2026, 3, 1, 7, 30), Utc(2026, 3, 8, 7)], newYork.Select(s => s.Start));
    }

    [Fact]
    public void A_repeated_fall_back_time_is_its_first_occurrence()
    {
        // New York repeats 01:00–02:00 on Sunday 1 November 2026; the session takes the first 01:30 (EDT).
        var sessions = Weekly(new DateOnly(2026, 10, 25), new TimeOnly(1, 30), count: 3, weekStart: DayOfWeek.Monday).Occurrences(NewYork);
        Assert.Equal([Utc(2026, 10, 25, 5, 30), Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 8, 6, 30)], sessions.Select(s => s.Start));
    }

    [Fact]
    public void London_keeps_the_wall_clock_across_its_spring_forward()
    {
        var sessions = Weekly(new DateOnly(2026, 3, 23), new TimeOnly(10, 0), count: 2, weekStart: DayOfWeek.Monday).Occurrences(London);
        Assert.Equal([Utc(2026, 3, 23, 10), Utc(2026, 3, 30, 9)], sessions.Select(s => s.Start));
    }

    [Fact]
    public void Every_two_weeks_counts_weeks_as_the_practices_calendar_does()
    {
        var first = new DateOnly(2026, 1, 6); // a Tuesday
        // In Israel weeks start on Sunday: Tue 6; (skip the week of the 11th); Sun 18, Tue 20; Sun 1 Feb, Tue 3 Feb.
        var israel = Weekly(first, new TimeOnly(10, 0), count: 5, interval: 2, weekStart: DayOfWeek.Sunday, days: [DayOfWeek.Sunday, DayOfWeek.Tuesday]);
        Assert.Equal([first, new(2026, 1, 18), new(2026, 1, 20), new(2026, 2, 1), new(2026, 2, 3)], israel.Dates());

        // Elsewhere weeks start on Monday: Tue 6, Sun 11; (skip the week of the 12th); Tue 20, Sun 25.
        var london = Weekly(first, new TimeOnly(10, 0), count: 4, interval: 2, weekStart: DayOfWeek.Monday, days: [DayOfWeek.Sunday, DayOfWeek.Tuesday]);
        Assert.Equal([first, new(2026, 1, 11), new(2026, 1, 20), new(2026, 1, 25)], london.Dates());
    }

    [Fact]
    public void The_last_date_is_included()
    {
        var rule = Weekly(new DateOnly(2026, 1, 6), new TimeOnly(10, 0), until: new DateOnly(2026, 1, 20));
        Assert.Equal([new DateOnly(2026, 1, 6), new(2026, 1, 13), new(2026, 1, 20)], rule.Dates());
        Assert.Empty(rule.Problems());
    }

    [Fact]
    public void A_series_spans_at_most_two_years()
    {
        var first = new DateOnly(2026, 1, 6);
        Assert.Equal(104, Weekly(first, new TimeOnly(10, 0), count: 104).Dates().Count);
        Assert.Empty(Weekly(first, new TimeOnly(10, 0), until: new DateOnly(2028, 1, 5)).Problems());
        Assert.Contains("until", Weekly(first, new TimeOnly(10, 0), until: new DateOnly(2028, 1, 6)).Problems().Keys);
        // 105 Tuesdays fit before 6 January 2028, 106 do not.
        Assert.Empty(Weekly(first, new TimeOnly(10, 0), count: 105).Problems());
        Assert.Contains("2 years", Weekly(first, new TimeOnly(10, 0), count: 106).Problems()["count"]);
    }

    [Fact]
    public void A_rule_needs_weekdays_an_interval_and_exactly_one_end()
    {
        var first = new DateOnly(2026, 1, 6);
        Assert.Contains("weekdays", (Weekly(first, new TimeOnly(10, 0), count: 3) with { Weekdays = new HashSet<DayOfWeek>() }).Problems().Keys);
        Assert.Contains("interval_weeks", Weekly(first, new TimeOnly(10, 0), count: 3, interval: 0).Problems().Keys);
        Assert.Contains("interval_weeks", Weekly(first, new TimeOnly(10, 0), count: 3, interval: 53).Problems().Keys);
        Assert.Contains("until", Weekly(first, new TimeOnly(10, 0)).Problems().Keys);
        Assert.Contains("until", Weekly(first, new TimeOnly(10, 0), count: 3, until: new DateOnly(2026, 2, 1)).Problems().Keys);
        Assert.Contains("until", Weekly(first, new TimeOnly(10, 0), until: new DateOnly(2026, 1, 5)).Problems().Keys);
        Assert.Contains("count", Weekly(first, new TimeOnly(10, 0), count: 0).Problems().Keys);
        Assert.Throws<DomainException>(() => AppointmentSeries.Create(Guid.NewGuid(), Guid.NewGuid(), Weekly(first, new TimeOnly(10, 0))));
    }

    [Fact]
    public void The_rule_reads_as_a_therapist_says_it()
    {
        var first = new DateOnly(2026, 1, 6);
        Assert.Equal("Every Tuesday", Weekly(first, new TimeOnly(10, 0), count: 3).Describe());
        Assert.Equal("Every 2 weeks on Sunday and Tuesday",
            Weekly(first, new TimeOnly(10, 0), count: 3, interval: 2, days: [DayOfWeek.Tuesday, DayOfWeek.Sunday]).Describe());
        Assert.Equal("Every Monday, Wednesday and Sunday",
            Weekly(first, new TimeOnly(10, 0), count: 3, weekStart: DayOfWeek.Monday, days: [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Wednesday]).Describe());
    }

    [Fact]
    public void Moving_the_series_a_day_later_moves_its_weekdays_and_dates()
    {
        var rule = Weekly(new DateOnly(2026, 1, 6), new TimeOnly(10, 0), until: new DateOnly(2026, 3, 31), days: [DayOfWeek.Tuesday, DayOfWeek.Saturday]);
        var moved = AppointmentSeries.Shifted(rule, 1, new TimeOnly(11, 30), 45);
        Assert.Equal(new HashSet<DayOfWeek> { DayOfWeek.Wednesday, DayOfWeek.Sunday }, moved.Weekdays);
        Assert.Equal((new DateOnly(2026, 1, 7), new DateOnly(2026, 4, 1), new TimeOnly(11, 30), 45), (moved.FirstDate, moved.Until!.Value, moved.StartTime, moved.DurationMinutes));
        var back = AppointmentSeries.Shifted(rule, -2, new TimeOnly(10, 0), 60);
        Assert.Equal(new HashSet<DayOfWeek> { DayOfWeek.Sunday, DayOfWeek.Thursday }, back.Weekdays);
    }

    [Fact]
    public void Each_session_is_an_appointment_that_knows_its_series_and_date()
    {
        var rule = Weekly(new DateOnly(2026, 1, 6), new TimeOnly(10, 0), count: 2);
        var series = AppointmentSeries.Create(Guid.NewGuid(), Guid.NewGuid(), rule);
        var session = series.Session(rule.Occurrences(Jerusalem)[1], LocationType.Clinic, null, null, null, null);
        Assert.Equal((series.Id, new DateOnly(2026, 1, 13), false), (session.SeriesId, session.SeriesDate, session.ChangedOnItsOwn));
        Assert.Equal(Utc(2026, 1, 13, 8), session.ScheduledStart);
        session.MarkChangedOnItsOwn();
        Assert.True(session.ChangedOnItsOwn);
    }
}
