using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

/// <summary>/metrics: who may read it, what it shows, and what it must never show; request spans; the process roles.</summary>
public sealed class MetricsTests(PazPazApp app) : AppTest(app)
{
    private WebApplicationFactory<Program> Metered(Action<IWebHostBuilder>? more = null) => App.WithWebHostBuilder(b =>
    {
        b.UseSetting("PazPaz:Metrics:AllowedNetworks:0", Scrape.AllowedNetworks);
        b.UseSetting("PazPaz:Metrics:Token", Scrape.Token);
        more?.Invoke(b);
    });

    private static async Task<HttpResponseMessage> GetMetricsAsync(HttpClient client, string? peer = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (peer is not null) request.Headers.Add(TestPeer.Header, peer);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Metrics_are_not_found_from_an_address_not_allowed_without_the_token()
    {
        await using var metered = Metered();
        var client = Scrape.Client(metered);

        Assert.Equal(HttpStatusCode.NotFound, (await GetMetricsAsync(client, peer: "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetMetricsAsync(client, peer: "192.0.2.8")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetMetricsAsync(client, peer: "203.0.113.9", bearer: Scrape.Token + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetMetricsAsync(client, peer: "203.0.113.9", bearer: Scrape.Token[..^1])).StatusCode);
        // Nothing configured: nobody, not even the machine itself.
        Assert.Equal(HttpStatusCode.NotFound, (await GetMetricsAsync(App.Browser())).StatusCode);
        // The same answer as any unknown address: the page's existence is not revealed.
        var unknown = await App.Browser().GetAsync("/no-such-page");
        var refused = await GetMetricsAsync(client, peer: "203.0.113.9");
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_answer_an_allowed_network_or_the_token_in_prometheus_text_never_cached()
    {
        await using var metered = Metered();
        var client = Scrape.Client(metered);

        foreach (var (peer, bearer) in new[] { ("10.1.0.1", null), ("10.1.255.254", null), ("192.0.2.7", null), ("203.0.113.9", Scrape.Token) })
        {
            var response = await GetMetricsAsync(client, peer, bearer);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
            Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Metrics_show_requests_by_route_database_time_feed_fetches_open_streams_and_the_outbox_without_personal_data()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await App.AssistantAsync(practice.Workspace.Id, "ruth@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var token = await App.ApiTokenAsync("dana@example.com");
        // The assistant is told of the owner's booking: one e-mail waiting in the outbox.
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(1));
        // And one a worker stopped sending an hour ago: in doubt.
        await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters().Take(1).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Sending).SetProperty(d => d.UpdatedAt, App.Clock.GetUtcNow().AddHours(-1))));
        await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(2));

        await using var metered = Metered();
        var api = Scrape.Client(metered);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await api.PostJsonAsync("/api/v1/calendar-feeds", new { });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var feedPath = new Uri((await created.JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        var feedToken = feedPath["/calendar/".Length..^".ics".Length];
        var feed = Scrape.Client(metered);
        var first = await feed.GetAsync(feedPath);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Get, feedPath);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await feed.SendAsync(again)).StatusCode);
        string text;
        await using (var stream = await EventStream.OpenAsync(api, "/api/v1/appointments/stream"))
        {
            Assert.NotNull(await stream.NextAsync(TimeSpan.FromSeconds(5))); // open and answering

            text = await Scrape.MetricsAsync(metered);

            Assert.True(Scrape.Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/calendar/{token}.ics\"") >= 2, text);
            Assert.True(Scrape.Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/api/v1/calendar-feeds/\"") >= 1, text);
            Assert.True(Scrape.Sum(text, "db_client_operation_duration_seconds_count") >= 1, text);
            Assert.Equal(1, Scrape.Sum(text, "pazpaz_calendar_feed_fetches_total", "http_response_status_code=\"200\""));
            Assert.Equal(1, Scrape.Sum(text, "pazpaz_calendar_feed_fetches_total", "http_response_status_code=\"304\""));
            Assert.Equal(1, Scrape.Sum(text, "pazpaz_live_updates_streams"));
            Assert.Equal(1, Scrape.Sum(text, "pazpaz_email_waiting", "status=\"pending\""));
            Assert.Equal(0, Scrape.Sum(text, "pazpaz_email_waiting", "status=\"failed\""));
            Assert.Equal(1, Scrape.Sum(text, "pazpaz_email_in_doubt"));
            foreach (var secret in new[] { feedToken, token, "dana@example.com", "ruth@example.com", "Noa", "Cohen", practice.Workspace.Id.ToString() })
                Assert.DoesNotContain(secret, text);
        }

        // Closed: counted down again.
        await Poll.UntilAsync(async () => Scrape.Sum(await Scrape.MetricsAsync(metered), "pazpaz_live_updates_streams") == 0);
        Assert.Equal(0, Scrape.Sum(await Scrape.MetricsAsync(metered), "pazpaz_live_updates_streams"));
    }

    [Fact]
    public async Task Request_spans_name_the_route_template_and_never_the_feed_token_a_sign_in_link_or_an_invitation()
    {
        var practice = await App.PracticeAsync();
        var token = await App.ApiTokenAsync(practice.Owner.Email);
        await using var collector = new OtlpSink();
        await using var traced = Metered(b =>
        {
            b.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url);
            b.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        });
        var api = Scrape.Client(traced);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var feedPath = new Uri((await (await api.PostJsonAsync("/api/v1/calendar-feeds", new { })).JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        var feedToken = feedPath["/calendar/".Length..^".ics".Length];
        const string linkToken = "SignInLinkSecretAbcdefghijklmnopqrstuvwxyz0123456";
        const string invitationToken = "InvitationSecretAbcdefghijklmnopqrstuvwxyz0123456";
        var browser = Scrape.Client(traced);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(feedPath)).StatusCode);
        await browser.GetAsync("/sign-in/link?token=" + linkToken);
        await browser.GetAsync("/invitations/" + invitationToken);

        var tracer = traced.Services.GetRequiredService<TracerProvider>();
        await Poll.UntilAsync(() =>
        {
            tracer.ForceFlush();
            var sent = collector.Received();
            return sent.Contains("/calendar/{token}.ics") && sent.Contains("/sign-in/link") && sent.Contains("/invitations/{token}");
        });
        var exported = collector.Received();
        foreach (var secret in new[] { feedToken, token, linkToken, invitationToken })
            Assert.DoesNotContain(secret, exported);
        Assert.Contains("/calendar/{token}.ics", exported);
        Assert.Contains("/invitations/{token}", exported);
    }

    private static string[] HostedServices(WebApplicationFactory<Program> app) =>
        app.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToArray();

    [Fact]
    public async Task A_web_process_serves_pages_and_runs_no_job_server()
    {
        await using var web = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:Role", "web").UseSetting("Jobs:RunInWebApp", "true"));

        Assert.Equal(HttpStatusCode.OK, (await Scrape.Client(web).GetAsync("/sign-in")).StatusCode);
        var hosted = HostedServices(web);
        Assert.DoesNotContain("BackgroundJobServerHostedService", hosted);
        Assert.Contains("CalendarChangeListener", hosted);
        // The one sender left: sign-in and invitation e-mails go out at once from the process that took the request.
        Assert.Contains("SignInMail", hosted);
    }

    [Fact]
    public async Task A_worker_runs_the_job_server_and_answers_only_health_and_metrics()
    {
        await using var worker = App.WithWebHostBuilder(b => b
            .UseSetting("PazPaz:Role", "worker")
            .UseSetting("PazPaz:Metrics:Token", Scrape.Token));
        var client = Scrape.Client(worker);

        var hosted = HostedServices(worker);
        Assert.Contains("BackgroundJobServerHostedService", hosted);
        Assert.DoesNotContain("CalendarChangeListener", hosted);
        Assert.DoesNotContain("SignInMail", hosted);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Contains("pazpaz_email_waiting", await Scrape.MetricsAsync(worker));
        foreach (var path in new[] { "/sign-in", "/calendar", "/api/v1/workspace", "/admin/jobs", "/openapi/v1.json", "/css/app.css" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
    }
}
