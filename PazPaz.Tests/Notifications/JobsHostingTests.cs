using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Notifications;
using PazPaz.Operations;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>The real Hangfire server runs the every-minute job end to end.</summary>
public sealed class JobsServerTests(SmtpApp app) : SmtpTest(app)
{
    [Fact]
    public async Task The_job_server_in_the_web_app_runs_the_notification_job_and_the_e_mail_arrives()
    {
        var practice = await App.PracticeAsync();
        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id);
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(1));

        await using var withServer = App.WithWebHostBuilder(b =>
        {
            b.UseSetting("Jobs:RunInWebApp", "true");
            b.UseSetting("Jobs:PollingSeconds", "1");
        });
        withServer.Services.GetRequiredService<IRecurringJobManager>().Trigger(NotificationJob.RecurringId);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (App.Received().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);

        var booked = Assert.Single(App.Received());
        Assert.Equal(assistant.Email, ((MimeKit.MailboxAddress)booked.To.Single()).Address);
    }
}

/// <summary>The Hangfire dashboard at /admin/jobs: platform admins only, and the only place with a relaxed CSP.</summary>
public sealed class JobsDashboardTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var response = await App.Browser().GetAsync("/admin/jobs");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task A_therapist_who_is_not_a_platform_admin_is_refused()
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.GetAsync("/admin/jobs");

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("403")),
            $"answered {(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task A_platform_admin_sees_the_dashboard_with_its_own_content_security_policy()
    {
        await App.PracticeAsync();
        await App.WithDbAsync(async db =>
        {
            db.Users.IgnoreWall().Single().MakePlatformAdmin();
            await db.SaveChangesAsync();
        });
        var browser = await App.SignedInAsync("dana@example.com");

        var dashboard = await browser.GetAsync("/admin/jobs/recurring");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains(NotificationJob.RecurringId, await dashboard.Content.ReadAsStringAsync());
        Assert.Equal(SecurityHeaders.JobsDashboardPolicy, dashboard.Headers.GetValues("Content-Security-Policy").Single());
        var calendar = await browser.GetAsync("/calendar");
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, calendar.Headers.GetValues("Content-Security-Policy").Single());
    }
}
