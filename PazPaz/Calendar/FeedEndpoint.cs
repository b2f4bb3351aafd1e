using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Calendar;

/// <summary>
/// <c>GET /calendar/{token}.ics</c>: the private subscription feed (see /work/shared/spec/ics-feed.md). No session: the
/// token is the credential, so the feed is found by its hash outside the workspace wall, and every later query names
/// that feed's workspace explicitly.
/// </summary>
public static class FeedEndpoint
{
    public const string ContentType = "text/calendar; charset=utf-8";
    private static readonly TimeSpan FetchRecordedEvery = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddPazPazCalendar(this IServiceCollection services)
    {
        services.AddSingleton<FeedThrottle>();
        services.AddSingleton<FeedBodyCache>();
        return services;
    }

    /// <summary>GET, and HEAD (some calendar apps probe with it) answered with the same status and headers and no body.</summary>
    public static void MapCalendarFeed(this IEndpointRouteBuilder app) =>
        app.MapMethods("/calendar/{token}.ics", [HttpMethods.Get, HttpMethods.Head], CountedAsync).AllowAnonymous().ExcludeFromDescription();

    /// <summary>Every fetch counted by its answer (the share of 304s says how much the ETag saves).</summary>
    private static async Task<IResult> CountedAsync(string token, HttpContext http, PazPazDb db, FeedThrottle throttle, FeedBodyCache bodies,
        TimeProvider clock, IOptions<PazPazOptions> options, Telemetry telemetry, CancellationToken cancellationToken)
    {
        var result = await GetAsync(token, http, db, throttle, bodies, clock, options, cancellationToken);
        telemetry.FeedFetched(result is IStatusCodeHttpResult { StatusCode: { } status } ? status : StatusCodes.Status200OK);
        return result;
    }

    private static async Task<IResult> GetAsync(string token, HttpContext http, PazPazDb db, FeedThrottle throttle, FeedBodyCache bodies,
        TimeProvider clock, IOptions<PazPazOptions> options, CancellationToken cancellationToken)
    {
        if (!throttle.TryAcquireIp(http.Connection.RemoteIpAddress?.ToString())) return TooMany();
        if (token.Length is < 40 or > 64) return Results.NotFound();
        var hash = Tokens.Hash(token);
        if (!throttle.TryAcquireToken(hash)) return TooMany();

        // One round trip finds the feed and its version: all a poll answered 304 costs.
        var now = clock.GetUtcNow();
        var feed = await FindAsync(db, hash, now, cancellationToken);
        if (feed is null) return Results.NotFound();

        var (from, to) = FeedQueries.Window(feed.WindowDaysBack, feed.WindowDaysAhead, now);
        var etag = new EntityTagHeaderValue(ETag(feed, from, to));
        var lastModified = LastModified(feed, now);
        await RecordFetchAsync(db, feed, now, http.Request.Headers.UserAgent.ToString(), cancellationToken);

        var response = http.Response;
        response.Headers.CacheControl = "private, max-age=0, must-revalidate";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        response.Headers.ETag = etag.ToString();
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        if (NotModified(http.Request, etag, lastModified)) return Results.StatusCode(StatusCodes.Status304NotModified);

        ReadOnlyMemory<byte> body;
        if (bodies.Find(feed.Id, etag.Tag.Value!) is { } kept) body = kept;
        else
        {
            var rows = await db.FeedAppointmentsAsync(feed.WorkspaceId, from, to, cancellationToken);
            var busy = await db.TimeOff.IgnoreQueryFilters().AsNoTracking().BusyForFeed(feed.WorkspaceId, from, to).ToListAsync(cancellationToken);
            var feedOptions = new FeedOptions(feed.Name, feed.TimeZone, feed.Preset, feed.ShowPrivateLocations, feed.KeepCancelledUntilStart,
                feed.SequenceOffset, options.Value.PublicBaseUrl);
            // UTF-8 straight into one buffer sized for the calendar, answered as is (the cache keeps a copy when it is on).
            var written = new ArrayBufferWriter<byte>(FeedWriter.EstimatedSize(rows.Count + busy.Count));
            FeedWriter.Write(feedOptions, FeedWriter.Events(feedOptions, rows, now, busy), written);
            bodies.Keep(feed.Id, etag.Tag.Value!, written.WrittenSpan);
            body = written.WrittenMemory;
        }
        if (!HttpMethods.IsHead(http.Request.Method)) return Results.Bytes(body, ContentType);
        // HEAD: the same headers, Content-Length included, and no body; the body is kept for the GET that usually follows.
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        return Results.Empty;
    }

    /// <summary>The live feed with this token hash (not revoked, its user active, its workspace active) and its version, or null.</summary>
    private static async Task<FeedQueries.LiveFeed?> FindAsync(PazPazDb db, string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await db.FindLiveAsync(hash, now, cancellationToken);
        // The index found the row; the comparison that decides is constant-time, so timing says nothing about near misses.
        if (found is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(found.TokenHash), Encoding.ASCII.GetBytes(hash)))
            return null;
        return found;
    }

    /// <summary>A version of everything the body depends on; equal ETags mean equal bytes.</summary>
    private static string ETag(FeedQueries.LiveFeed v, DateTimeOffset from, DateTimeOffset to)
    {
        var parts = string.Join('|', v.Id, v.TokenGeneration, v.SequenceOffset, v.Preset, v.ShowPrivateLocations,
            v.KeepCancelledUntilStart, v.Name, v.UpdatedAt.UtcTicks, v.TimeZone, v.WorkspaceUpdatedAt.UtcTicks, from.UtcTicks,
            to.UtcTicks, v.EventCount, v.RowCount, v.SequenceSum, v.LastChange?.UtcTicks,
            v.LastDrop?.UtcTicks, v.ClientsChanged?.UtcTicks, v.ServicesChanged?.UtcTicks, v.LocationsChanged?.UtcTicks,
            v.TimeOffRows, v.TimeOffSequenceSum, v.TimeOffChanged?.UtcTicks);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(parts));
        return $"\"{Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_')}\"";
    }

    /// <summary>
    /// The latest moment the body changed: any row, name or setting it shows, a cancelled appointment leaving at its
    /// start, and the start of today (the window moves each day). Whole seconds, as HTTP dates are.
    /// </summary>
    private static DateTimeOffset LastModified(FeedQueries.LiveFeed v, DateTimeOffset now)
    {
        DateTimeOffset?[] candidates = [v.UpdatedAt, v.WorkspaceUpdatedAt, v.LastChange, v.LastDrop, v.ClientsChanged,
            v.ServicesChanged, v.LocationsChanged, v.TimeOffChanged, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero)];
        var latest = candidates.Max()!.Value;
        if (latest > now) latest = now;
        return new DateTimeOffset(latest.UtcTicks - latest.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match decides when present; otherwise If-Modified-Since.</summary>
    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch is { Count: > 0 } tags)
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
        return headers.IfModifiedSince is { } since && lastModified <= since;
    }

    /// <summary>
    /// "Google last fetched 3 h ago": one UPDATE at most once a minute per feed, not an entity save, so it neither
    /// touches updated_at (part of the ETag) nor writes an audit row per poll.
    /// </summary>
    private static async Task RecordFetchAsync(PazPazDb db, FeedQueries.LiveFeed feed, DateTimeOffset now, string userAgent, CancellationToken cancellationToken)
    {
        if (feed.LastFetchedAt is { } last && now - last < FetchRecordedEvery && feed.LastFetchedUserAgent == NullIfEmpty(userAgent)) return;
        var agent = NullIfEmpty(userAgent is { Length: > 512 } ? userAgent[..512] : userAgent);
        var before = now - FetchRecordedEvery;
        await db.CalendarFeeds.IgnoreQueryFilters()
            .Where(f => f.Id == feed.Id && (f.LastFetchedAt == null || f.LastFetchedAt <= before || f.LastFetchedUserAgent != agent))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastFetchedAt, now).SetProperty(f => f.LastFetchedUserAgent, agent), cancellationToken);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static IResult TooMany() => Results.StatusCode(StatusCodes.Status429TooManyRequests);
}
