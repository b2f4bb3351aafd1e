using MimeKit;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>Today's and tomorrow's digests and the session-notes reminder, at the user's local time.</summary>
public sealed class DigestEmailTests(SmtpApp app) : SmtpTest(app)
{
    private const string Zone = "America/New_York";
    private static readonly TimeZoneInfo Tz = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    private DateTime LocalNow => TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Tz).DateTime;

    /// <summary>Moves the clock forward to the next local <paramref name="hour"/>:00, so a test's day does not depend on earlier tests.</summary>
    private void AdvanceToLocal(int hour)
    {
        var target = LocalNow.Date.AddHours(hour);
        if (target <= LocalNow) target = target.AddDays(1);
        App.Clock.SetUtcNow(new DateTimeOffset(target, Tz.GetUtcOffset(target)).ToUniversalTime());
    }

    private async Task RunUntilAsync(DateTimeOffset until)
    {
        while (App.Clock.GetUtcNow() < until)
        {
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            await App.RunMinuteJobAsync();
        }
    }

    private List<MimeMessage> Subjects(string prefix) => App.Received().Where(m => (m.Subject ?? "").StartsWith(prefix, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Todays_digest_arrives_once_at_the_chosen_local_time_and_lists_the_days_appointments()
    {
        var practice = await App.PracticeAsync(timeZone: Zone);
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var eli = await App.ClientAsync(practice.Workspace.Id, "Eli", "Mizrahi <script>");
        AdvanceToLocal(7);
        var sendAt = App.Clock.GetUtcNow().AddMinutes(3);
        var sendLocal = TimeZoneInfo.ConvertTime(sendAt, Tz).DateTime;
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s
            .SetProperty(x => x.DigestEnabled, true).SetProperty(x => x.DigestTime, sendLocal.ToString("HH:mm"))
            .SetProperty(x => x.DigestDays, new[] { 0, 1, 2, 3, 4, 5, 6 })
            .SetProperty(x => x.ReminderEnabled, false).SetProperty(x => x.NotesReminderEnabled, false));
        var day = sendLocal.Date;
        var first = new DateTimeOffset(day.AddHours(23), Tz.GetUtcOffset(day.AddHours(23)));
        var second = new DateTimeOffset(day.AddHours(21).AddMinutes(30), Tz.GetUtcOffset(day.AddHours(21)));
        await App.BookAsync(practice.Owner, noa.Id, first);
        await App.BookAsync(practice.Owner, eli.Id, second, minutes: 30);
        await App.BookAsync(practice.Owner, noa.Id, first.AddDays(1)); // the next local day: not in today's digest

        await RunUntilAsync(sendAt.AddMinutes(-1));
        Assert.Empty(App.Received());
        await RunUntilAsync(sendAt.AddMinutes(20));

        var digest = Assert.Single(App.Received());
        Assert.StartsWith("Today's schedule: 2 appointments", digest.Subject);
        Assert.Contains("21:30–22:00 Eli Mizrahi <script>", digest.TextBody);
        Assert.Contains("23:00–00:00 Noa Cohen", digest.TextBody);
        var text = digest.TextBody ?? "";
        Assert.True(text.IndexOf("Eli Mizrahi", StringComparison.Ordinal) < text.IndexOf("Noa Cohen", StringComparison.Ordinal));
        Assert.Contains("Eli Mizrahi &lt;script&gt;", digest.HtmlBody);
        Assert.DoesNotContain("<script>", digest.HtmlBody);
        Assert.Contains($"{PazPazApp.BaseUrl}/calendar?view=day&amp;date={day:yyyy-MM-dd}", digest.HtmlBody);
    }

    [Fact]
    public async Task Tomorrows_digest_lists_the_next_local_day()
    {
        var practice = await App.PracticeAsync(timeZone: Zone);
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        AdvanceToLocal(20);
        var sendAt = App.Clock.GetUtcNow().AddMinutes(2);
        var sendLocal = TimeZoneInfo.ConvertTime(sendAt, Tz).DateTime;
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s
            .SetProperty(x => x.TomorrowDigestEnabled, true).SetProperty(x => x.TomorrowDigestTime, sendLocal.ToString("HH:mm"))
            .SetProperty(x => x.TomorrowDigestDays, new[] { 0, 1, 2, 3, 4, 5, 6 })
            .SetProperty(x => x.ReminderEnabled, false).SetProperty(x => x.NotesReminderEnabled, false));
        var tomorrow = sendLocal.Date.AddDays(1);
        await App.BookAsync(practice.Owner, noa.Id, new DateTimeOffset(tomorrow.AddHours(10), Tz.GetUtcOffset(tomorrow.AddHours(10))));

        await RunUntilAsync(sendAt.AddMinutes(5));

        var digest = Assert.Single(App.Received());
        Assert.StartsWith("Tomorrow's schedule: 1 appointment", digest.Subject);
        Assert.Contains($"Tomorrow, {tomorrow.ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))}", digest.TextBody);
        Assert.Contains("10:00–11:00 Noa Cohen", digest.TextBody);
    }

    [Fact]
    public async Task The_session_notes_reminder_lists_the_days_ended_appointments_without_a_note()
    {
        var practice = await App.PracticeAsync(timeZone: Zone);
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var eli = await App.ClientAsync(practice.Workspace.Id, "Eli", "Mizrahi");
        AdvanceToLocal(10);
        var now = App.Clock.GetUtcNow();
        // Two sessions end before the 10:35 reminder, one of them with a note; the third ends after it.
        var unnoted = await App.BookAsync(practice.Owner, noa.Id, now.AddMinutes(1), minutes: 30);
        var noted = await App.BookAsync(practice.Owner, eli.Id, now.AddMinutes(2), minutes: 30);
        await App.BookAsync(practice.Owner, eli.Id, now.AddMinutes(40), minutes: 60);
        await App.WithDbAsync(async db =>
        {
            db.Add(SessionNote.Create(practice.Workspace.Id, eli.Id, DateOnly.FromDateTime(LocalNow), noted.Id, practice.Owner.Id));
            await db.SaveChangesAsync();
        });
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s
            .SetProperty(x => x.NotesReminderTime, "10:35").SetProperty(x => x.ReminderEnabled, false));

        await RunUntilAsync(now.AddMinutes(34));
        Assert.Empty(App.Received());
        await RunUntilAsync(now.AddMinutes(50));

        var reminder = Assert.Single(App.Received());
        Assert.Equal("1 session is waiting for its note", reminder.Subject);
        Assert.Contains("10:01–10:31 Noa Cohen", reminder.TextBody);
        Assert.DoesNotContain("Eli Mizrahi", reminder.TextBody);
        // Each listed session links straight to its note page.
        Assert.Contains($"Write the note: {PazPazApp.BaseUrl}/appointments/{unnoted.Id}/note", reminder.TextBody);
        Assert.Contains($"href=\"{PazPazApp.BaseUrl}/appointments/{unnoted.Id}/note\"", reminder.HtmlBody);
        Assert.DoesNotContain($"/appointments/{noted.Id}/note", reminder.TextBody);
    }

    [Fact]
    public async Task No_session_notes_reminder_is_sent_when_every_ended_appointment_has_a_note()
    {
        var practice = await App.PracticeAsync(timeZone: Zone);
        var sendAt = App.Clock.GetUtcNow().AddMinutes(2);
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s
            .SetProperty(x => x.NotesReminderTime, TimeZoneInfo.ConvertTime(sendAt, Tz).ToString("HH:mm")));

        await RunUntilAsync(sendAt.AddMinutes(3));

        Assert.Empty(App.Received());
        var row = await App.WithDbAsync(db => Task.FromResult(db.NotificationDeliveries.IgnoreWall().Single()));
        Assert.Equal(NotificationKinds.NotesReminder, row.Kind);
        Assert.Equal(DeliveryStatus.Skipped, row.Status);
    }
}
