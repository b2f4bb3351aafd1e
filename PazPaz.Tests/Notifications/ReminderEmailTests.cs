using System.Net;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>Appointment reminders through the every-minute job and a real SMTP server.</summary>
public sealed class ReminderEmailTests(SmtpApp app) : SmtpTest(app)
{
    private List<MimeMessage> Reminders() => App.Received().Where(m => (m.Subject ?? "").StartsWith("Reminder:", StringComparison.Ordinal)).ToList();

    private async Task<(Seed.Practice Practice, Client Client)> PracticeAsync(int reminderMinutes = 15, string timeZone = "Asia/Jerusalem")
    {
        var practice = await App.PracticeAsync(timeZone: timeZone);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        await App.SetNotificationsAsync(practice.Workspace.Id, practice.Owner.Id, s => s.SetProperty(x => x.ReminderMinutes, reminderMinutes));
        return (practice, client);
    }

    private async Task EveryMinuteAsync(int minutes)
    {
        for (var i = 0; i < minutes; i++)
        {
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            await App.RunMinuteJobAsync();
        }
    }

    [Fact]
    public async Task A_fifteen_minute_reminder_for_an_appointment_booked_sixteen_minutes_ahead_arrives_once_a_minute_later()
    {
        var (practice, client) = await PracticeAsync(reminderMinutes: 15);
        var start = App.Clock.GetUtcNow().AddMinutes(16);
        await App.BookAsync(practice.Owner, client.Id, start);

        await App.RunMinuteJobAsync();
        Assert.Empty(App.Received());

        await EveryMinuteAsync(1);
        var reminder = Assert.Single(App.Received());
        Assert.Equal("dana@example.com", ((MailboxAddress)reminder.To.Single()).Address);
        var local = TimeZoneInfo.ConvertTime(start, TimeZoneInfo.FindSystemTimeZoneById("Asia/Jerusalem"));
        Assert.Equal($"Reminder: Noa Cohen at {local:HH:mm}", reminder.Subject);
        Assert.Contains("Noa Cohen in 15 minutes", reminder.TextBody);
        Assert.Contains("(Asia/Jerusalem)", reminder.TextBody);
        Assert.Contains($"{PazPazApp.BaseUrl}/settings/notifications", reminder.TextBody);
        Assert.Contains($"href=\"{PazPazApp.BaseUrl}/settings/notifications\"", reminder.HtmlBody);

        await EveryMinuteAsync(20);
        Assert.Single(App.Received());
        var row = await App.WithDbAsync(db => Task.FromResult(db.NotificationDeliveries.IgnoreWall().Single()));
        Assert.Equal(DeliveryStatus.Sent, row.Status);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task A_rescheduled_appointment_is_reminded_at_its_new_time_only()
    {
        var (practice, client) = await PracticeAsync(reminderMinutes: 60);
        var api = await App.ApiClientAsync("dana@example.com");
        var start = App.Clock.GetUtcNow().AddHours(2);
        var appointment = await App.BookAsync(practice.Owner, client.Id, start);

        var moved = await api.PutJsonAsync($"/api/v1/appointments/{appointment.Id}",
            new { scheduled_start = start.AddHours(1), scheduled_end = start.AddHours(2) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        await EveryMinuteAsync(65); // past the old reminder moment (start − 60 min)
        Assert.Empty(Reminders());
        await EveryMinuteAsync(60); // past the new one
        var reminder = Assert.Single(Reminders());
        var local = TimeZoneInfo.ConvertTime(start.AddHours(1), TimeZoneInfo.FindSystemTimeZoneById("Asia/Jerusalem"));
        Assert.Contains($"at {local:HH:mm}", reminder.Subject);
    }

    [Fact]
    public async Task A_cancelled_appointment_gets_no_reminder()
    {
        var (practice, client) = await PracticeAsync(reminderMinutes: 30);
        var api = await App.ApiClientAsync("dana@example.com");
        var appointment = await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddMinutes(45));

        var cancelled = await api.PutJsonAsync($"/api/v1/appointments/{appointment.Id}", new { status = "cancelled" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        await EveryMinuteAsync(45);
        Assert.Empty(Reminders());
    }

    [Fact]
    public async Task An_appointment_booked_after_its_reminder_moment_gets_no_reminder()
    {
        var (practice, client) = await PracticeAsync(reminderMinutes: 15);
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddMinutes(10));

        await App.RunMinuteJobAsync();
        await EveryMinuteAsync(10);
        Assert.Empty(App.Received());
    }

    [Fact]
    public async Task Inactive_users_and_suspended_practices_get_no_reminders()
    {
        var (practice, client) = await PracticeAsync(reminderMinutes: 15);
        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddMinutes(20));
        await App.WithDbAsync(async db =>
        {
            var user = db.Users.IgnoreWall().Single(u => u.Id == assistant.Id);
            user.Deactivate(await db.CalendarFeeds.IgnoreWall().LiveOf(user).ToListAsync(), [], App.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var other = await App.PracticeAsync(name: "Harbour Physio", email: "amir@example.com");
        var otherClient = await App.ClientAsync(other.Workspace.Id, "Yael", "Bar");
        await App.SetNotificationsAsync(other.Workspace.Id, other.Owner.Id, s => s.SetProperty(x => x.ReminderMinutes, 15));
        await App.BookAsync(other.Owner, otherClient.Id, App.Clock.GetUtcNow().AddMinutes(20));
        await App.WithDbAsync(async db =>
        {
            var workspace = db.Workspaces.IgnoreWall().Single(w => w.Id == other.Workspace.Id);
            workspace.Suspend();
            await db.SaveChangesAsync();
        });

        await EveryMinuteAsync(10);

        var only = Assert.Single(Reminders());
        Assert.Equal("dana@example.com", ((MailboxAddress)only.To.Single()).Address);
    }
}
