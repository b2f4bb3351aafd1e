using System.Net;
using MimeKit;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>Booked / cancelled / moved / completed e-mails: to the practice's other users, or to everyone when an integration acted.</summary>
public sealed class EventEmailTests(SmtpApp app) : SmtpTest(app)
{
    private static string To(MimeMessage m) => ((MailboxAddress)m.To.Single()).Address;

    private async Task<(Seed.Practice Practice, User Assistant, Client Client)> PracticeAsync()
    {
        var practice = await App.PracticeAsync(timeZone: "Europe/London");
        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        foreach (var user in new[] { practice.Owner.Id, assistant.Id })
            await App.SetNotificationsAsync(practice.Workspace.Id, user, s => s.SetProperty(x => x.ReminderEnabled, false).SetProperty(x => x.NotesReminderEnabled, false));
        return (practice, assistant, client);
    }

    [Fact]
    public async Task A_booking_by_the_therapist_is_announced_to_the_assistant_only()
    {
        var (practice, assistant, client) = await PracticeAsync();
        var start = App.Clock.GetUtcNow().AddDays(2);

        await App.BookAsync(practice.Owner, client.Id, start);
        await App.RunMinuteJobAsync();

        var booked = Assert.Single(App.Received());
        Assert.Equal(assistant.Email, To(booked));
        var local = TimeZoneInfo.ConvertTime(start, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        Assert.Equal($"Booked: Noa Cohen, {local.ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))}", booked.Subject);
        Assert.Contains("(Europe/London) was booked.", booked.TextBody);
        Assert.Contains($"{PazPazApp.BaseUrl}/appointments/", booked.TextBody);
    }

    [Fact]
    public async Task Changes_through_the_API_are_announced_to_every_user_who_wants_them()
    {
        var (practice, assistant, client) = await PracticeAsync();
        await App.SetNotificationsAsync(practice.Workspace.Id, assistant.Id, s => s.SetProperty(x => x.NotifyAppointmentCancelled, false));
        var api = await App.ApiClientAsync("dana@example.com");
        var start = App.Clock.GetUtcNow().AddDays(1);

        var created = await api.PostJsonAsync("/api/v1/appointments",
            new { client_id = client.Id, scheduled_start = start, scheduled_end = start.AddHours(1), location_type = "clinic" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync())["id"]!.GetValue<Guid>();
        App.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{id}",
            new { scheduled_start = start.AddHours(2), scheduled_end = start.AddHours(3) })).StatusCode);
        App.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "cancelled" })).StatusCode);
        await App.RunMinuteJobAsync();

        var received = App.Received().Select(m => (To(m), (m.Subject ?? "").Split(':')[0])).Order().ToList();
        Assert.Equal([
            ("dana@example.com", "Booked"), ("dana@example.com", "Cancelled"), ("dana@example.com", "Moved"),
            (assistant.Email, "Booked"), (assistant.Email, "Moved"),
        ], received);
        Assert.All(App.Received(), m => Assert.Contains("through the API", m.TextBody));
    }

    [Fact]
    public async Task Completing_an_appointment_sends_the_confirmation_to_the_other_user()
    {
        var (practice, assistant, client) = await PracticeAsync();
        var appointment = await App.BookAsync(assistant, client.Id, App.Clock.GetUtcNow().AddHours(-2));
        await App.RunMinuteJobAsync();
        App.ClearReceived();

        var result = await App.AsUserAsync(assistant, booking => booking.ChangeStatusAsync(appointment.Id, AppointmentStatus.Completed, allowConflict: false));
        Assert.IsType<PazPaz.Scheduling.BookingResult.Saved>(result);
        await App.RunMinuteJobAsync();

        var confirmed = Assert.Single(App.Received());
        Assert.Equal("dana@example.com", To(confirmed));
        Assert.StartsWith("Completed: Noa Cohen", confirmed.Subject);
    }

    [Fact]
    public async Task Nobody_gets_event_e_mails_with_the_master_switch_off()
    {
        var (practice, assistant, client) = await PracticeAsync();
        await App.SetNotificationsAsync(practice.Workspace.Id, assistant.Id, s => s.SetProperty(x => x.EmailEnabled, false));

        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(3));
        await App.RunMinuteJobAsync();

        Assert.Empty(App.Received());
    }
}
