using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PazPaz.Notifications;

namespace PazPaz.Operations;

/// <summary>
/// The app's own instruments (meter "PazPaz") and spans (ActivitySource "PazPaz"); feature code calls the small methods
/// below and never names an instrument itself. Labels are kinds, outcomes, status codes and route templates only: never a
/// name, an address, an id or a token. Request latency by route (http.server.request.duration) comes from ASP.NET Core's
/// own meter and database time (db.client.operation.duration) from Npgsql's, both on OpenTelemetry's semantic conventions.
/// </summary>
public sealed class Telemetry
{
    public const string Name = "PazPaz";
    /// <summary>Npgsql's own meter and ActivitySource (db.client.operation.duration, one span per command).</summary>
    public const string NpgsqlName = "Npgsql";
    public static readonly ActivitySource Spans = new(Name);

    private readonly Counter<long> jobRuns;
    private readonly Histogram<double> jobDuration;
    private readonly Counter<long> emails;
    private readonly Counter<long> feedFetches;
    private readonly UpDownCounter<long> streams;

    public Telemetry(IMeterFactory meters, DeliveryBacklog backlog)
    {
        var meter = meters.Create(Name);
        jobRuns = meter.CreateCounter<long>("pazpaz.job.runs", "{run}", "Background jobs run, by job and outcome (succeeded or failed)");
        jobDuration = meter.CreateHistogram<double>("pazpaz.job.duration", "s", "How long each background job ran",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        emails = meter.CreateCounter<long>("pazpaz.email.deliveries", "{e-mail}",
            "E-mails from the outbox by kind and outcome: sent (the mail server took it), failed (retried later) or skipped (no longer due)");
        feedFetches = meter.CreateCounter<long>("pazpaz.calendar.feed.fetches", "{fetch}",
            "Calendar feed fetches by HTTP status: 304 answers cost one query, 200 builds the feed");
        streams = meter.CreateUpDownCounter<long>("pazpaz.live_updates.streams", "{stream}", "Live-update streams (server-sent events) open now");
        meter.CreateObservableGauge("pazpaz.email.waiting", () => Waiting(backlog), "{e-mail}",
            "Outbox rows still to send (pending, or failed and waiting for their retry); the same for every process, refreshed at most every 15 s");
        meter.CreateObservableGauge("pazpaz.email.in_doubt", () => InDoubt(backlog), "{e-mail}",
            "E-mails left Sending by a worker that stopped mid-send: never re-sent on their own, see NotificationJob");
    }

    public void JobRan(string job, bool succeeded, TimeSpan elapsed)
    {
        var tags = new TagList { { "pazpaz.job", job }, { "outcome", succeeded ? "succeeded" : "failed" } };
        jobRuns.Add(1, tags);
        jobDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void EmailSent(string kind) => emails.Add(1, new KeyValuePair<string, object?>("pazpaz.email.kind", kind), new("outcome", "sent"));
    public void EmailFailed(string kind) => emails.Add(1, new KeyValuePair<string, object?>("pazpaz.email.kind", kind), new("outcome", "failed"));
    public void EmailSkipped(string kind) => emails.Add(1, new KeyValuePair<string, object?>("pazpaz.email.kind", kind), new("outcome", "skipped"));

    public void FeedFetched(int statusCode) => feedFetches.Add(1, new KeyValuePair<string, object?>("http.response.status_code", statusCode));

    /// <summary>Counts a stream as open until the returned handle is disposed.</summary>
    public IDisposable StreamOpened()
    {
        streams.Add(1);
        return new Closing(() => streams.Add(-1));
    }

    private static IEnumerable<Measurement<long>> Waiting(DeliveryBacklog backlog) => backlog.Current() is { } counts
        ? [new(counts.Pending, new KeyValuePair<string, object?>("status", "pending")), new(counts.Failed, new KeyValuePair<string, object?>("status", "failed"))]
        : [];

    private static IEnumerable<Measurement<long>> InDoubt(DeliveryBacklog backlog) => backlog.Current() is { } counts ? [new(counts.InDoubt)] : [];

    private sealed class Closing(Action close) : IDisposable
    {
        private int closed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0) close();
        }
    }
}

public static class TelemetrySetup
{
    /// <summary>
    /// Whether an OTLP collector is configured: OpenTelemetry's own OTEL_EXPORTER_OTLP_ENDPOINT (with its companions,
    /// OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS …, which the exporter reads itself).
    /// </summary>
    public static bool ExportsOtlp(IConfiguration configuration) => configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };

    /// <summary>
    /// Metrics always (scraped at /metrics, see <see cref="MetricsEndpoint"/>), and to an OTLP collector with traces when one
    /// is configured: without a collector a span has nowhere to go, so none is recorded.
    /// </summary>
    public static IServiceCollection AddPazPazTelemetry(this IServiceCollection services, IConfiguration configuration, ProcessRole role)
    {
        services.AddSingleton<DeliveryBacklog>();
        services.AddSingleton<Telemetry>();
        services.AddSingleton<JobTelemetry>();
        services.Configure<MetricsOptions>(configuration.GetSection("PazPaz:Metrics"));
        services.AddSingleton<MetricsAccess>();

        var otlp = ExportsOtlp(configuration);
        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "pazpaz").AddAttributes([new("pazpaz.role", role.ToString().ToLowerInvariant())]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name, Telemetry.NpgsqlName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Each scrape reads the instruments afresh (the default keeps an answer for 300 ms).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp) metrics.AddOtlpExporter();
            });
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(OwnInstrumentsOnly(provider.GetRequiredService<IMeterFactory>())));
        if (otlp)
            openTelemetry.WithTracing(tracing => tracing
                .AddSource(Telemetry.Name, Telemetry.NpgsqlName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = false; // exception messages may quote what was typed
                    o.EnrichWithHttpResponse = (activity, response) => RoutedPathOnly(activity, response.HttpContext);
                })
                .AddOtlpExporter());
        return services;
    }

    /// <summary>
    /// A meter is found by its name in the whole process, so two hosts in one process (the tests' apps) would report each
    /// other's requests and e-mails; instruments made through another host's meter factory are left out. Meters made
    /// without a factory (Npgsql's) belong to the process and stay.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OwnInstrumentsOnly(IMeterFactory own) => instrument =>
        instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null;

    /// <summary>
    /// A request span names its route template, never the path or query it was asked with: the calendar feed's path is
    /// its secret token (/calendar/{token}.ics), a sign-in link carries one in its query, and an invitation in its path.
    /// </summary>
    internal static void RoutedPathOnly(Activity activity, HttpContext http)
    {
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", route is null ? null : route.StartsWith('/') ? route : "/" + route);
        activity.SetTag("url.query", null);
    }
}
