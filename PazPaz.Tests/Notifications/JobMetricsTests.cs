using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using PazPaz.Notifications;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

/// <summary>A worker process runs the jobs through real SMTP; its /metrics counts the job runs and the e-mails' outcomes.</summary>
public sealed class JobMetricsTests(SmtpApp app) : SmtpTest(app)
{
    [Fact]
    public async Task A_worker_runs_the_notification_job_and_its_metrics_count_the_run_and_the_e_mail_sent()
    {
        var practice = await App.PracticeAsync();
        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id);
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(1));

        await using var collector = new OtlpSink();
        await using var worker = App.WithWebHostBuilder(b => b
            .UseSetting("PazPaz:Role", "worker")
            .UseSetting("Jobs:PollingSeconds", "1")
            .UseSetting("PazPaz:Metrics:Token", Scrape.Token)
            .UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url)
            .UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        worker.Services.GetRequiredService<IRecurringJobManager>().Trigger(NotificationJob.RecurringId);

        await Poll.UntilAsync(() => App.Received().Count > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(assistant.Email, ((MimeKit.MailboxAddress)Assert.Single(App.Received()).To.Single()).Address);
        var text = "";
        await Poll.UntilAsync(async () =>
            Scrape.Sum(text = await Scrape.MetricsAsync(worker), "pazpaz_job_runs_total", "pazpaz_job=\"NotificationJob.RunAsync\"") >= 1);

        Assert.True(Scrape.Sum(text, "pazpaz_job_runs_total", "pazpaz_job=\"NotificationJob.RunAsync\"", "outcome=\"succeeded\"") >= 1, text);
        Assert.True(Scrape.Sum(text, "pazpaz_job_duration_seconds_count", "pazpaz_job=\"NotificationJob.RunAsync\"") >= 1);
        Assert.Equal(1, Scrape.Sum(text, "pazpaz_email_deliveries_total", "pazpaz_email_kind=\"appointment_booked\"", "outcome=\"sent\""));
        Assert.DoesNotContain(assistant.Email, text);
        Assert.DoesNotContain(practice.Owner.Email, text);

        // The run is a span of its own beside the database commands' spans, and no address is in any of them.
        var tracer = worker.Services.GetRequiredService<TracerProvider>();
        await Poll.UntilAsync(() => tracer.ForceFlush() && collector.Received().Contains("job NotificationJob.RunAsync"));
        var exported = collector.Received();
        Assert.Contains("job NotificationJob.RunAsync", exported);
        Assert.Contains("notification_deliveries", exported);
        Assert.DoesNotContain(assistant.Email, exported);
        Assert.DoesNotContain(practice.Owner.Email, exported);
    }

    [Fact]
    public async Task An_e_mail_the_mail_server_cannot_take_is_counted_as_failed()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id);
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(1));
        await using var down = App.WithWebHostBuilder(b => b
            .UseSetting("Smtp:Port", SmtpApp.ClosedPort().ToString())
            .UseSetting("PazPaz:Metrics:Token", Scrape.Token));

        await App.RunMinuteJobAsync(down);

        var text = await Scrape.MetricsAsync(down);
        Assert.Equal(1, Scrape.Sum(text, "pazpaz_email_deliveries_total", "pazpaz_email_kind=\"appointment_booked\"", "outcome=\"failed\""));
        Assert.Null(Scrape.Sum(text, "pazpaz_email_deliveries_total", "outcome=\"sent\""));
        Assert.Equal(1, Scrape.Sum(text, "pazpaz_email_waiting", "status=\"failed\""));
    }
}
