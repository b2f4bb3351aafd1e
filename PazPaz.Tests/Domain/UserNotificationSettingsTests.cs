using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class UserNotificationSettingsTests
{
    private static UserNotificationSettings Defaults() => UserNotificationSettings.CreateDefaults(Guid.NewGuid(), Guid.NewGuid());

    [Fact]
    public void New_settings_hold_the_product_defaults()
    {
        var s = Defaults();
        Assert.True(s.EmailEnabled);
        Assert.True(s.NotifyAppointmentBooked && s.NotifyAppointmentCancelled && s.NotifyAppointmentRescheduled && s.NotifyAppointmentConfirmed);
        Assert.Equal((false, "08:00"), (s.DigestEnabled, s.DigestTime));
        Assert.Equal([1, 2, 3, 4, 5], s.DigestDays);
        Assert.Equal((false, "20:00"), (s.TomorrowDigestEnabled, s.TomorrowDigestTime));
        Assert.Equal([0, 1, 2, 3, 4], s.TomorrowDigestDays);
        Assert.Equal((true, 60), (s.ReminderEnabled, s.ReminderMinutes));
        Assert.Equal((true, "18:00"), (s.NotesReminderEnabled, s.NotesReminderTime));
        Assert.Equal("{}", s.ExtendedSettings);
    }

    [Theory]
    [InlineData("00:00")]
    [InlineData("08:05")]
    [InlineData("19:59")]
    [InlineData("23:59")]
    public void Zero_padded_24_hour_times_are_times(string time) => Assert.True(UserNotificationSettings.IsTime(time));

    [Theory]
    [InlineData("8:00")]
    [InlineData("24:00")]
    [InlineData("08:60")]
    [InlineData("08:5")]
    [InlineData("0800")]
    [InlineData("08:00 ")]
    [InlineData("08:00\n")]
    [InlineData("8 am")]
    [InlineData("")]
    public void Anything_else_is_not_a_time(string time)
    {
        Assert.False(UserNotificationSettings.IsTime(time));
        Assert.Equal(["DigestTime"], UserNotificationSettings.Problems(new NotificationSettingsChange { DigestTime = time }).Keys);
    }

    [Fact]
    public void Each_time_field_is_checked_under_its_own_name()
    {
        var problems = UserNotificationSettings.Problems(new NotificationSettingsChange
        {
            DigestTime = "08:00", TomorrowDigestTime = "20:61", NotesReminderTime = "6pm",
        });
        Assert.Equal(["NotesReminderTime", "TomorrowDigestTime"], problems.Keys.Order());
        Assert.Contains("HH:MM", problems["NotesReminderTime"]);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(120)]
    [InlineData(1440)]
    public void The_five_reminder_lengths_are_allowed(int minutes) =>
        Assert.Empty(UserNotificationSettings.Problems(new NotificationSettingsChange { ReminderMinutes = minutes }));

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(45)]
    [InlineData(-60)]
    [InlineData(1441)]
    public void Other_reminder_lengths_are_refused(int minutes) =>
        Assert.Equal(["ReminderMinutes"], UserNotificationSettings.Problems(new NotificationSettingsChange { ReminderMinutes = minutes }).Keys);

    [Fact]
    public void Days_must_be_0_to_6_and_at_least_one()
    {
        Assert.Equal("Choose at least one day.",
            UserNotificationSettings.Problems(new NotificationSettingsChange { DigestDays = [] })["DigestDays"]);
        Assert.Equal(["TomorrowDigestDays"],
            UserNotificationSettings.Problems(new NotificationSettingsChange { TomorrowDigestDays = [1, 7] }).Keys);
        Assert.Equal(["DigestDays"], UserNotificationSettings.Problems(new NotificationSettingsChange { DigestDays = [-1] }).Keys);
    }

    [Fact]
    public void Days_are_stored_sorted_without_duplicates()
    {
        var s = Defaults();
        Assert.True(s.Update(new NotificationSettingsChange { DigestDays = [5, 1, 3, 1, 5], TomorrowDigestDays = [6, 0, 6] }));
        Assert.Equal([1, 3, 5], s.DigestDays);
        Assert.Equal([0, 6], s.TomorrowDigestDays);
    }

    [Fact]
    public void An_update_changes_only_the_fields_it_sets()
    {
        var s = Defaults();
        s.Update(new NotificationSettingsChange { DigestEnabled = true, DigestTime = "07:30", ReminderMinutes = 15 });

        Assert.Equal((true, "07:30", 15), (s.DigestEnabled, s.DigestTime, s.ReminderMinutes));
        Assert.Equal([1, 2, 3, 4, 5], s.DigestDays);
        Assert.Equal(("20:00", "18:00", true), (s.TomorrowDigestTime, s.NotesReminderTime, s.EmailEnabled));
    }

    [Fact]
    public void An_invalid_update_changes_nothing_at_all()
    {
        var s = Defaults();
        var refused = Assert.Throws<DomainException>(() =>
            s.Update(new NotificationSettingsChange { DigestEnabled = true, DigestTime = "07:30", DigestDays = [] }));

        Assert.Equal("Choose at least one day.", refused.Message);
        Assert.Equal((false, "08:00"), (s.DigestEnabled, s.DigestTime));
        Assert.Equal([1, 2, 3, 4, 5], s.DigestDays);
    }

    [Fact]
    public void An_update_that_sets_the_same_values_reports_no_change()
    {
        var s = Defaults();
        Assert.False(s.Update(new NotificationSettingsChange { DigestTime = "08:00", DigestDays = [5, 4, 3, 2, 1], ExtendedSettings = "{ }" }));
        Assert.True(s.Update(new NotificationSettingsChange { ExtendedSettings = """{"sms":{"enabled":false}}""" }));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{not json")]
    public void Extended_settings_must_be_a_json_object(string json) =>
        Assert.Equal(["ExtendedSettings"], UserNotificationSettings.Problems(new NotificationSettingsChange { ExtendedSettings = json }).Keys);
}
