using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using PazPaz.Auth;

namespace PazPaz.LiveUpdates;

/// <summary>
/// <c>GET /api/v1/appointments/stream</c>: server-sent events for the caller's own practice. It says only that something
/// changed (<c>event: appointments-changed</c>), never what: the open page or integration fetches what it shows, through
/// the workspace wall as always. Every message carries an id (a <see cref="CalendarChanges"/> mark of the caller's practice alone), so a browser that
/// reconnects sends Last-Event-ID and hears at once of anything it missed in between; a page passes the mark it was drawn
/// at as <c>?since=</c> for its first connection.
/// <para>
/// A stream ends after <see cref="MaxLifetime"/> or when the session expires, whichever is first, and the browser
/// reconnects: that reconnection is authenticated afresh, so a revoked token or ended session stops streaming. The stream
/// itself never extends an idle session (<see cref="LeavesSessionIdle"/>).
/// </para>
/// </summary>
public static class CalendarStream
{
    public const string EventName = "appointments-changed";
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private const int RetryMilliseconds = 1000;

    public static void MapCalendarStream(this RouteGroupBuilder api) =>
        api.MapGet("/appointments/stream", StreamAsync).WithTags("Appointments").WithName("StreamAppointmentChanges")
            .WithSummary("Server-sent events: \"appointments-changed\" (no data) whenever your practice's calendar changes; " +
                "a comment every 20 s keeps it open. Reconnect with Last-Event-ID to hear of changes missed meanwhile.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .WithMetadata(new LeavesSessionIdle());

    private static async Task StreamAsync(HttpContext http, CalendarChanges changes, CurrentUser user, TimeProvider clock,
        IHostApplicationLifetime lifetime, Operations.Telemetry telemetry)
    {
        var workspaceId = user.RequireWorkspaceId();
        using var open = telemetry.StreamOpened();
        using var subscription = changes.Subscribe(workspaceId);
        var since = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId ? lastEventId : http.Request.Query["since"].ToString();
        var missed = since.Length > 0 && changes.ChangedSince(workspaceId, since);

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and friends would otherwise hold the events back
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var expired = new CancellationTokenSource(Lifetime(http, clock), clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping, expired.Token);
        try
        {
            await WriteAsync(response, $"retry: {RetryMilliseconds}\nid: {changes.MarkOf(workspaceId)}\n\n", stop.Token);
            if (missed) await WriteAsync(response, Event(changes.MarkOf(workspaceId)), stop.Token);
            while (true)
            {
                using var beat = new CancellationTokenSource(Heartbeat, clock);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, beat.Token);
                try
                {
                    await subscription.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await WriteAsync(response, ": heartbeat\n\n", stop.Token);
                    continue;
                }
                await WriteAsync(response, Event(changes.MarkOf(workspaceId)), stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left, the app is stopping, or the stream's time is up (the browser will reconnect).
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
    }

    private static string Event(string mark) => $"event: {EventName}\nid: {mark}\ndata: {{}}\n\n";

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Until the session cookie would expire (idle timeout), at most <see cref="MaxLifetime"/>.</summary>
    private static TimeSpan Lifetime(HttpContext http, TimeProvider clock)
    {
        var expires = http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        var left = expires is { } at ? at - clock.GetUtcNow() : MaxLifetime;
        return left < TimeSpan.Zero ? TimeSpan.Zero : left < MaxLifetime ? left : MaxLifetime;
    }
}
