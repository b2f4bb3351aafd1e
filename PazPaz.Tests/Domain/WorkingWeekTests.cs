using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class WorkingWeekTests
{
    private static readonly TimeRange NineToFive = new(new(9, 0), new(17, 0));

    [Fact]
    public void The_usual_week_follows_the_practice_zone()
    {
        var israel = WorkingWeek.Default("Asia/Jerusalem");
        var london = WorkingWeek.Default("Europe/London");

        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], israel.WorkingDays);
        Assert.Equal(DayOfWeek.Sunday, israel.FirstDayOfWeek);
        Assert.Equal([new TimeRange(new(8, 0), new(18, 0))], israel.On(DayOfWeek.Sunday));
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], london.WorkingDays);
        Assert.Equal(DayOfWeek.Monday, london.FirstDayOfWeek);
        Assert.Equal([NineToFive], london.On(DayOfWeek.Friday));
        Assert.Empty(london.On(DayOfWeek.Saturday));
        Assert.Equal(new DateOnly(2026, 12, 6), israel.WeekStart(new DateOnly(2026, 12, 10)));
        Assert.Equal(new DateOnly(2026, 12, 7), london.WeekStart(new DateOnly(2026, 12, 10)));
    }

    [Fact]
    public void A_stored_week_comes_back_as_it_was_with_each_day_in_order()
    {
        var week = WorkingWeek.From(new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Tuesday] = [new(new(14, 0), new(20, 0)), new(new(8, 30), new(12, 0))],
            [DayOfWeek.Friday] = [],
            [DayOfWeek.Sunday] = [new(new(18, 0), new(0, 0))], // until midnight
        }, "Europe/London");

        var back = WorkingWeek.For(week.ToJson(), "Europe/London");

        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Tuesday], back.WorkingDays);
        Assert.Equal([new TimeRange(new(8, 30), new(12, 0)), new TimeRange(new(14, 0), new(20, 0))], back.On(DayOfWeek.Tuesday));
        Assert.Equal(24 * 60, back.On(DayOfWeek.Sunday)[0].EndMinute);
        Assert.Equal(new TimeOnly(8, 30), back.StartOn(new DateOnly(2026, 12, 8)));   // a Tuesday
        // Friday, a day off: the week's earliest start, the usual start of a working day (bookable, if unusual).
        Assert.Equal(new TimeOnly(8, 30), back.StartOn(new DateOnly(2026, 12, 11)));
        Assert.Equal(new TimeOnly(8, 0), WorkingWeek.Default("Asia/Jerusalem").StartOn(new DateOnly(2027, 1, 1))); // a Friday in Israel
        Assert.Equal(new TimeOnly(9, 0), WorkingWeek.From(new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>(), "Europe/London").StartOn(new DateOnly(2026, 12, 11)));
        Assert.False(back.IsWorkingDay(new DateOnly(2026, 12, 11)));
        Assert.Equal(WorkingWeek.Default("Asia/Jerusalem").WorkingDays, WorkingWeek.For(null, "Asia/Jerusalem").WorkingDays);
    }

    [Fact]
    public void Ranges_that_end_before_they_start_overlap_or_are_too_many_are_refused_by_day()
    {
        var problems = WorkingWeek.Problems(new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Monday] = [new(new(17, 0), new(9, 0))],
            [DayOfWeek.Tuesday] = [new(new(9, 0), new(13, 0)), new(new(12, 30), new(18, 0))],
            [DayOfWeek.Wednesday] = [new(new(7, 0), new(8, 0)), new(new(9, 0), new(10, 0)), new(new(11, 0), new(12, 0)), new(new(13, 0), new(14, 0))],
            [DayOfWeek.Thursday] = [new(new(9, 0), new(13, 0)), new(new(13, 0), new(18, 0))], // touching is fine
        });

        Assert.Contains("ends before it starts", problems[DayOfWeek.Monday]);
        Assert.Contains("overlap", problems[DayOfWeek.Tuesday]);
        Assert.Contains("At most 3", problems[DayOfWeek.Wednesday]);
        Assert.False(problems.ContainsKey(DayOfWeek.Thursday));
        Assert.Throws<DomainException>(() => WorkingWeek.From(new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
            { [DayOfWeek.Monday] = [new(new(17, 0), new(9, 0))] }, "UTC"));
    }

    [Fact]
    public void The_digests_default_to_working_days_and_the_days_before_them()
    {
        var western = UserNotificationSettings.CreateDefaults(Guid.NewGuid(), Guid.NewGuid(), WorkingWeek.Default("Europe/London"));
        var israeli = UserNotificationSettings.CreateDefaults(Guid.NewGuid(), Guid.NewGuid(), WorkingWeek.Default("Asia/Jerusalem"));

        Assert.Equal([1, 2, 3, 4, 5], western.DigestDays); // §7's defaults
        Assert.Equal([0, 1, 2, 3, 4], western.TomorrowDigestDays);
        Assert.Equal([0, 1, 2, 3, 4], israeli.DigestDays);
        Assert.Equal([0, 1, 2, 3, 6], israeli.TomorrowDigestDays);
    }
}
