using PazPaz.Domain;
using PazPaz.Notifications;

namespace PazPaz.Tests.Notifications;

/// <summary>
/// The planner with a fake "now" stepping minute by minute, as the every-minute job would, across the real 2026 and
/// 2027 daylight-saving changes. Each case first checks that its local time really is in a gap or a repeat.
/// </summary>
public sealed class NotificationPlannerTests
{
    private static DailySchedule Notes(string zone, string time) =>
        new(Guid.NewGuid(), Guid.NewGuid(), TimeZones.Find(zone), false, "08:00", [], false, "20:00", [], true, time);

    private static DailySchedule Digests(string zone, string todayTime, int[] todayDays, string tomorrowTime, int[] tomorrowDays) =>
        new(Guid.NewGuid(), Guid.NewGuid(), TimeZones.Find(zone), true, todayTime, todayDays, true, tomorrowTime, tomorrowDays, false, "18:00");

    /// <summary>Every occasion the minute job would claim from <paramref name="from"/> for <paramref name="hours"/>, first claim wins.</summary>
    private static List<Occasion> RunEveryMinute(DailySchedule schedule, DateTimeOffset from, int hours)
    {
        var claimed = new Dictionary<(string, string), Occasion>();
        for (var now = from; now < from.AddHours(hours); now = now.AddMinutes(1))
            foreach (var occasion in NotificationPlanner.DailyOccasions(schedule, now))
                claimed.TryAdd((occasion.Kind, occasion.OccasionKey), occasion);
        return claimed.Values.ToList();
    }

    private static DateTimeOffset Local(string zone, int y, int m, int d, int h, int min) =>
        TimeZones.ToUtc(new DateTime(y, m, d, h, min, 0), TimeZones.Find(zone));

    [Theory]
    [InlineData("Asia/Jerusalem", 2026, 3, 27, "02:30", 3, 0)]
    [InlineData("Asia/Jerusalem", 2027, 3, 26, "02:00", 3, 0)]
    [InlineData("America/New_York", 2026, 3, 8, "02:30", 3, 0)]
    [InlineData("America/New_York", 2027, 3, 14, "02:59", 3, 0)]
    [InlineData("Europe/London", 2026, 3, 29, "01:30", 2, 0)]
    [InlineData("Europe/London", 2027, 3, 28, "01:15", 2, 0)]
    [InlineData("Australia/Sydney", 2026, 10, 4, "02:30", 3, 0)]
    [InlineData("Australia/Sydney", 2027, 10, 3, "02:00", 3, 0)]
    public void A_time_inside_the_spring_forward_gap_is_sent_once_at_the_first_valid_minute_after(
        string zone, int year, int month, int day, string time, int expectedHour, int expectedMinute)
    {
        var local = new DateTime(year, month, day, int.Parse(time[..2]), int.Parse(time[3..]), 0);
        Assert.True(TimeZones.Find(zone).IsInvalidTime(local), $"{time} on {local:yyyy-MM-dd} should not exist in {zone}");

        var sent = RunEveryMinute(Notes(zone, time), Local(zone, year, month, day, 0, 0), 24);

        var only = Assert.Single(sent);
        Assert.Equal($"date:{year:D4}-{month:D2}-{day:D2}", only.OccasionKey);
        var expected = new DateTimeOffset(new DateTime(year, month, day, expectedHour, expectedMinute, 0), TimeZones.Find(zone).GetUtcOffset(new DateTime(year, month, day, expectedHour, expectedMinute, 0)));
        Assert.Equal(expected, only.DueAt);
    }

    [Theory]
    [InlineData("Asia/Jerusalem", 2026, 10, 25, "01:30")]
    [InlineData("Asia/Jerusalem", 2027, 10, 31, "01:00")]
    [InlineData("America/New_York", 2026, 11, 1, "01:30")]
    [InlineData("America/New_York", 2027, 11, 7, "01:45")]
    [InlineData("Europe/London", 2026, 10, 25, "01:30")]
    [InlineData("Europe/London", 2027, 10, 31, "01:00")]
    [InlineData("Australia/Sydney", 2026, 4, 5, "02:30")]
    [InlineData("Australia/Sydney", 2027, 4, 4, "02:15")]
    public void A_time_the_fall_back_repeats_is_sent_once_at_its_first_occurrence(string zone, int year, int month, int day, string time)
    {
        var tz = TimeZones.Find(zone);
        var local = new DateTime(year, month, day, int.Parse(time[..2]), int.Parse(time[3..]), 0);
        Assert.True(tz.IsAmbiguousTime(local), $"{time} on {local:yyyy-MM-dd} should happen twice in {zone}");

        var sent = RunEveryMinute(Notes(zone, time), Local(zone, year, month, day, 0, 0), 24);

        var only = Assert.Single(sent);
        Assert.Equal($"date:{year:D4}-{month:D2}-{day:D2}", only.OccasionKey);
        var first = new DateTimeOffset(local, tz.GetAmbiguousTimeOffsets(local).Max());
        Assert.Equal(first, only.DueAt);
    }

    [Theory]
    [InlineData("Asia/Jerusalem", 2026, 3, 26)]
    [InlineData("America/New_York", 2026, 3, 6)]
    [InlineData("Europe/London", 2026, 10, 23)]
    [InlineData("Australia/Sydney", 2027, 4, 2)]
    public void Across_a_change_of_clocks_each_day_gets_one_e_mail_at_its_local_time(string zone, int year, int month, int day)
    {
        // Four days from a Thursday or Friday: the change falls inside, and 07:00 exists on every one of them.
        var sent = RunEveryMinute(Notes(zone, "07:00"), Local(zone, year, month, day, 0, 0), 24 * 4);

        Assert.Equal(4, sent.Count);
        var tz = TimeZones.Find(zone);
        foreach (var occasion in sent)
        {
            var localDue = TimeZoneInfo.ConvertTime(occasion.DueAt, tz);
            Assert.Equal(new TimeSpan(7, 0, 0), localDue.TimeOfDay);
            Assert.Equal(NotificationPlanner.DateKey(DateOnly.FromDateTime(localDue.DateTime)), occasion.OccasionKey);
        }
    }

    [Fact]
    public void Digests_go_only_on_the_chosen_days_and_the_tomorrow_digest_is_keyed_by_the_day_it_is_sent()
    {
        // Mon–Fri at 08:00 for today, Sun–Thu at 20:00 for tomorrow; a week from Sunday 2026-11-22 in Jerusalem.
        var schedule = Digests("Asia/Jerusalem", "08:00", [1, 2, 3, 4, 5], "20:00", [0, 1, 2, 3, 4]);

        var sent = RunEveryMinute(schedule, Local("Asia/Jerusalem", 2026, 11, 22, 0, 0), 24 * 7);

        var today = sent.Where(o => o.Kind == NotificationKinds.TodayDigest).Select(o => o.OccasionKey).Order().ToList();
        Assert.Equal(["date:2026-11-23", "date:2026-11-24", "date:2026-11-25", "date:2026-11-26", "date:2026-11-27"], today);
        var tomorrow = sent.Where(o => o.Kind == NotificationKinds.TomorrowDigest).Select(o => o.OccasionKey).Order().ToList();
        Assert.Equal(["date:2026-11-22", "date:2026-11-23", "date:2026-11-24", "date:2026-11-25", "date:2026-11-26"], tomorrow);
        Assert.All(sent.Where(o => o.Kind == NotificationKinds.TodayDigest),
            o => Assert.Equal(new TimeSpan(8, 0, 0), TimeZoneInfo.ConvertTime(o.DueAt, TimeZones.Find("Asia/Jerusalem")).TimeOfDay));
    }

    [Fact]
    public void A_run_that_comes_late_still_claims_what_fell_due_within_the_catch_up_window_but_not_older()
    {
        var schedule = Notes("Europe/London", "18:00");
        var due = Local("Europe/London", 2026, 11, 26, 18, 0);

        Assert.Empty(NotificationPlanner.DailyOccasions(schedule, due.AddMinutes(-1)));
        Assert.Single(NotificationPlanner.DailyOccasions(schedule, due));
        Assert.Single(NotificationPlanner.DailyOccasions(schedule, due.AddMinutes(14)));
        Assert.Empty(NotificationPlanner.DailyOccasions(schedule, due + NotificationPlanner.CatchUp));
    }

    [Fact]
    public void With_the_default_settings_only_the_session_notes_reminder_is_planned_at_six_in_the_evening()
    {
        var settings = UserNotificationSettings.CreateDefaults(Guid.NewGuid(), Guid.NewGuid());
        var sent = RunEveryMinute(DailySchedule.From(settings, TimeZones.Find("Europe/London")), Local("Europe/London", 2026, 11, 23, 0, 0), 24 * 7);

        Assert.Equal(7, sent.Count);
        Assert.All(sent, o => Assert.Equal(NotificationKinds.NotesReminder, o.Kind));
        Assert.All(sent, o => Assert.Equal(18, TimeZoneInfo.ConvertTime(o.DueAt, TimeZones.Find("Europe/London")).Hour));
    }

    private static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static ReminderCandidate Candidate(DateTimeOffset start, DateTimeOffset timeSetAt, int minutes = 15) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), start, timeSetAt, minutes);

    [Fact]
    public void A_reminder_is_due_from_its_moment_until_the_catch_up_window_closes()
    {
        var candidate = Candidate(Start, Start.AddDays(-1), minutes: 60);

        Assert.Null(NotificationPlanner.Reminder(candidate, Start.AddMinutes(-61)));
        var reminder = NotificationPlanner.Reminder(candidate, Start.AddMinutes(-60));
        Assert.NotNull(reminder);
        Assert.Equal(Start.AddMinutes(-60), reminder.DueAt);
        Assert.Equal(NotificationPlanner.ReminderKey(candidate.AppointmentId, Start), reminder.OccasionKey);
        Assert.NotNull(NotificationPlanner.Reminder(candidate, Start.AddMinutes(-46)));
        Assert.Null(NotificationPlanner.Reminder(candidate, Start.AddMinutes(-45)));
    }

    [Fact]
    public void A_reminder_whose_moment_passed_before_the_appointment_got_its_time_is_not_sent()
    {
        // Booked at 09:50 for 10:00 with a 15-minute reminder: the moment (09:45) was already gone.
        Assert.Null(NotificationPlanner.Reminder(Candidate(Start, Start.AddMinutes(-10)), Start.AddMinutes(-9)));
        // Booked at 09:44 for 10:00: the moment is still to come.
        Assert.NotNull(NotificationPlanner.Reminder(Candidate(Start, Start.AddMinutes(-16)), Start.AddMinutes(-15)));
    }

    [Fact]
    public void A_reminder_is_never_sent_once_the_appointment_has_begun()
    {
        Assert.Null(NotificationPlanner.Reminder(Candidate(Start, Start.AddDays(-1)), Start));
        Assert.Null(NotificationPlanner.Reminder(Candidate(Start, Start.AddDays(-1)), Start.AddMinutes(1)));
    }

    [Fact]
    public void A_moved_appointment_has_a_new_reminder_key()
    {
        var id = Guid.NewGuid();
        Assert.NotEqual(NotificationPlanner.ReminderKey(id, Start), NotificationPlanner.ReminderKey(id, Start.AddHours(1)));
    }
}
