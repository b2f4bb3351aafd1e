using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PazPaz.LiveUpdates;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.LiveUpdates;

/// <summary>
/// GET /api/v1/appointments/stream against the real LISTEN/NOTIFY path: the triggers notify on commit, the app's listener
/// hears it, the stream announces it. Waits are generous (machines are busy); the tests assert arrival, not speed.
/// </summary>
public sealed class CalendarStreamTests(PazPazApp app) : AppTest(app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);
    private const string Stream = "/api/v1/appointments/stream";
    private static readonly DateTimeOffset Nine = new(2026, 4, 14, 9, 0, 0, TimeSpan.Zero);

    private CalendarChanges Changes => App.Services.GetRequiredService<CalendarChanges>();

    private static object Booking(Guid clientId, DateTimeOffset start) =>
        new { client_id = clientId, scheduled_start = start, scheduled_end = start.AddHours(1), location_type = "clinic" };

    private async Task<(Seed.Practice Practice, PazPaz.Domain.Client Client)> PracticeAsync(string name = "Sea Breeze Massage", string email = "dana@example.com")
    {
        var practice = await App.PracticeAsync(name, email);
        return (practice, await App.ClientAsync(practice.Workspace.Id));
    }

    private static async Task BookAsync(HttpClient api, Guid clientId, DateTimeOffset start) =>
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/appointments", Booking(clientId, start))).StatusCode);

    /// <summary>The listener connects in the background when the app starts; a change made before that is not heard.</summary>
    private async Task ListeningAsync() => await Until(() => Changes.IsListening);

    private static async Task Until(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "Timed out waiting.");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task An_open_stream_hears_of_a_booking_made_through_the_api_by_another_client()
    {
        var (practice, client) = await PracticeAsync();
        await ListeningAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        await using var stream = await EventStream.OpenAsync(browser, Stream);
        var integration = await App.ApiClientAsync(practice.Owner.Email);

        await BookAsync(integration, client.Id, Nine);

        var message = await stream.NextEventAsync(Wait);
        Assert.NotNull(message);
        Assert.Equal("appointments-changed", message.Event);
        Assert.Equal("{}", message.Data); // that something changed, never what
        Assert.False(string.IsNullOrEmpty(message.Id));
    }

    [Fact]
    public async Task The_stream_is_event_stream_that_neither_caches_nor_proxies_hold_back()
    {
        var (practice, _) = await PracticeAsync();
        await using var stream = await EventStream.OpenAsync(await App.ApiClientAsync(practice.Owner.Email), Stream);

        Assert.Contains("no-store", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no", stream.Response.Headers.GetValues("X-Accel-Buffering").Single());
        var first = await stream.NextAsync(Wait);
        Assert.NotNull(first);
        Assert.Equal("1000", first.Retry);
        Assert.False(string.IsNullOrEmpty(first.Id));
        Assert.False(first.IsEvent);
    }

    [Fact]
    public async Task A_stream_never_hears_of_another_practices_changes()
    {
        var (ours, ourClient) = await PracticeAsync();
        var (theirs, theirClient) = await PracticeAsync("Harbour Physio", "ruth@example.com");
        await ListeningAsync();
        var ourApi = await App.ApiClientAsync(ours.Owner.Email);
        await using var stream = await EventStream.OpenAsync(ourApi, Stream);
        var before = Changes.MarkOf(theirs.Workspace.Id);

        await BookAsync(await App.ApiClientAsync(theirs.Owner.Email), theirClient.Id, Nine);
        await Until(() => Changes.ChangedSince(theirs.Workspace.Id, before)); // this instance has heard of it

        Assert.Null(await stream.NextEventAsync(Quiet));
        await BookAsync(ourApi, ourClient.Id, Nine);
        Assert.NotNull(await stream.NextEventAsync(Wait)); // and the stream was listening all along
    }

    [Fact]
    public async Task Another_practices_changes_do_not_move_the_event_ids_or_the_calendar_pages_since_mark()
    {
        var (ours, ourClient) = await PracticeAsync();
        var (theirs, theirClient) = await PracticeAsync("Harbour Physio", "ruth@example.com");
        await ListeningAsync();
        var browser = await App.SignedInAsync(ours.Owner.Email);
        var ourApi = await App.ApiClientAsync(ours.Owner.Email);
        async Task<string> SinceAsync() =>
            (await browser.GetPageAsync("/calendar?view=week&date=2026-04-14")).QuerySelector("#calendar-region")!.GetAttribute("data-live-url")!;
        async Task<string> StreamIdAsync()
        {
            await using var stream = await EventStream.OpenAsync(ourApi, Stream);
            return (await stream.NextAsync(Wait))!.Id!;
        }
        var (sinceBefore, idBefore) = (await SinceAsync(), await StreamIdAsync());

        var theirApi = await App.ApiClientAsync(theirs.Owner.Email);
        var theirMark = Changes.MarkOf(theirs.Workspace.Id);
        for (var hour = 0; hour < 3; hour++)
        {
            await BookAsync(theirApi, theirClient.Id, Nine.AddHours(hour));
            await Until(() => Changes.ChangedSince(theirs.Workspace.Id, theirMark)); // this instance has heard of it
            theirMark = Changes.MarkOf(theirs.Workspace.Id);
        }

        Assert.Equal(sinceBefore, await SinceAsync());
        Assert.Equal(idBefore, await StreamIdAsync());
        Assert.False(Changes.ChangedSince(ours.Workspace.Id, idBefore));
        await using (var reopened = await EventStream.OpenAsync(ourApi, Stream, lastEventId: idBefore))
            Assert.Null(await reopened.NextEventAsync(Quiet));

        // Our own change does move them.
        await BookAsync(ourApi, ourClient.Id, Nine);
        await Until(() => Changes.ChangedSince(ours.Workspace.Id, idBefore));
        Assert.NotEqual(idBefore, await StreamIdAsync());
        Assert.NotEqual(sinceBefore, await SinceAsync());
    }

    [Fact]
    public async Task Streaming_needs_a_session_or_a_valid_api_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Browser().GetAsync(Stream)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithBearer("pzp_not-a-real-token").GetAsync(Stream)).StatusCode);
    }

    [Fact]
    public async Task A_change_written_by_any_path_is_announced_even_straight_to_the_database()
    {
        var (practice, client) = await PracticeAsync();
        await ListeningAsync();
        await using var stream = await EventStream.OpenAsync(await App.ApiClientAsync(practice.Owner.Email), Stream);

        await App.AppointmentAsync(practice.Workspace.Id, client.Id, Nine);
        Assert.NotNull(await stream.NextEventAsync(Wait));

        await App.WithDbAsync(async db =>
        {
            var noa = await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == client.Id);
            noa.Rename("Noa", "Levi"); // names show on the calendar
            await db.SaveChangesAsync();
        });
        Assert.NotNull(await stream.NextEventAsync(Wait));
    }

    [Fact]
    public async Task A_reconnecting_stream_hears_at_once_of_changes_it_missed_and_of_nothing_else()
    {
        var (practice, client) = await PracticeAsync();
        await ListeningAsync();
        var api = await App.ApiClientAsync(practice.Owner.Email);
        string lastId;
        await using (var first = await EventStream.OpenAsync(api, Stream))
            lastId = (await first.NextAsync(Wait))!.Id!;

        await using (var unchanged = await EventStream.OpenAsync(api, Stream, lastEventId: lastId))
            Assert.Null(await unchanged.NextEventAsync(Quiet));

        await BookAsync(api, client.Id, Nine);
        await Until(() => Changes.ChangedSince(practice.Workspace.Id, lastId));
        await using var again = await EventStream.OpenAsync(api, Stream, lastEventId: lastId);
        Assert.NotNull(await again.NextEventAsync(Wait));
    }

    [Fact]
    public async Task The_calendar_page_streams_from_the_moment_it_was_drawn()
    {
        var (practice, client) = await PracticeAsync();
        await ListeningAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        var page = await browser.GetPageAsync("/calendar?view=week&date=2026-04-14");
        var liveUrl = page.QuerySelector("#calendar-region")!.GetAttribute("data-live-url")!;
        Assert.StartsWith(Stream + "?since=", liveUrl);

        // Booked after the page was drawn but before its stream opened: the stream says so first thing.
        await App.AppointmentAsync(practice.Workspace.Id, client.Id, Nine);
        await Until(() => Changes.ChangedSince(practice.Workspace.Id, Uri.UnescapeDataString(liveUrl.Split("since=")[1])));
        await using var stream = await EventStream.OpenAsync(browser, liveUrl);
        Assert.NotNull(await stream.NextEventAsync(Wait));
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_connection_is_killed_and_delivers_again()
    {
        var (practice, client) = await PracticeAsync();
        await ListeningAsync();
        var api = await App.ApiClientAsync(practice.Owner.Email);
        await using var stream = await EventStream.OpenAsync(api, Stream);
        Assert.NotNull(await stream.NextAsync(Wait));

        await using (var connection = new NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()",
                connection);
            kill.Parameters.AddWithValue("name", CalendarChangeListener.ApplicationName);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1, "No listener connection to kill.");
        }

        // Back again, it tells every open stream to refresh: changes made meanwhile were not heard.
        Assert.NotNull(await stream.NextEventAsync(TimeSpan.FromSeconds(10)));
        Assert.True(Changes.IsListening);
        await BookAsync(api, client.Id, Nine);
        Assert.NotNull(await stream.NextEventAsync(Wait));
    }

    [Fact]
    public async Task A_quiet_stream_sends_a_heartbeat_comment()
    {
        var (practice, _) = await PracticeAsync();
        await using var stream = await EventStream.OpenAsync(await App.ApiClientAsync(practice.Owner.Email), Stream);
        Assert.NotNull(await stream.NextAsync(Wait));

        SseMessage? message = null;
        for (var i = 0; i < 20 && message is null; i++)
        {
            App.Clock.Advance(CalendarStream.Heartbeat);
            message = await stream.NextAsync(TimeSpan.FromMilliseconds(250));
        }

        Assert.NotNull(message);
        Assert.Equal("heartbeat", message.Comment);
        Assert.False(message.IsEvent);
    }

    [Fact]
    public async Task A_stream_ends_after_five_minutes_and_an_idle_session_cannot_reopen_it()
    {
        var (practice, _) = await PracticeAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        await using var stream = await EventStream.OpenAsync(browser, Stream);
        Assert.NotNull(await stream.NextAsync(Wait));

        App.Clock.Advance(CalendarStream.MaxLifetime + TimeSpan.FromSeconds(1));
        await stream.Ended.WaitAsync(Wait); // the browser reconnects, authenticated afresh

        App.Clock.Advance(TimeSpan.FromMinutes(30)); // the session's idle timeout
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Stream)).StatusCode);
    }

    [Fact]
    public async Task A_stream_ends_when_its_session_would_expire_if_that_comes_first()
    {
        var (practice, _) = await PracticeAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        App.Clock.Advance(TimeSpan.FromMinutes(27)); // three minutes of the idle timeout left
        await using var stream = await EventStream.OpenAsync(browser, Stream);
        Assert.NotNull(await stream.NextAsync(Wait));

        App.Clock.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));

        await stream.Ended.WaitAsync(Wait);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Stream)).StatusCode);
    }

    [Fact]
    public async Task Opening_the_stream_does_not_keep_an_idle_session_alive()
    {
        var (practice, _) = await PracticeAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        App.Clock.Advance(TimeSpan.FromMinutes(20)); // past half the idle timeout: any other request would renew the cookie

        await using (var stream = await EventStream.OpenAsync(browser, Stream))
            Assert.DoesNotContain(SetCookies(stream.Response), c => c.StartsWith("pazpaz.session="));

        var page = await browser.GetAsync("/calendar");
        Assert.Contains(SetCookies(page), c => c.StartsWith("pazpaz.session="));
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    [Fact]
    public async Task A_live_redraw_of_the_calendar_does_not_keep_an_idle_session_alive()
    {
        var (practice, _) = await PracticeAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email);
        App.Clock.Advance(TimeSpan.FromMinutes(20)); // past half the idle timeout: a request by the user renews the cookie

        using var redraw = new HttpRequestMessage(HttpMethod.Get, "/calendar");
        redraw.Headers.Add("HX-Request", "true");
        redraw.Headers.Add(PazPaz.Auth.LeavesSessionIdle.Header, "1");
        var unattended = await browser.SendAsync(redraw);
        Assert.Equal(HttpStatusCode.OK, unattended.StatusCode);
        Assert.DoesNotContain(SetCookies(unattended), c => c.StartsWith("pazpaz.session="));

        App.Clock.Advance(TimeSpan.FromMinutes(11)); // 31 minutes without the user: the session is over
        using var late = new HttpRequestMessage(HttpMethod.Get, "/calendar");
        late.Headers.Add(PazPaz.Auth.LeavesSessionIdle.Header, "1");
        var afterIdle = await browser.SendAsync(late);
        Assert.Equal(HttpStatusCode.Redirect, afterIdle.StatusCode);
        Assert.Contains("/sign-in", afterIdle.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_stream_is_in_the_api_reference_and_the_openapi_document()
    {
        var page = await App.Browser().GetPageAsync("/developers/api");
        Assert.Contains(page.QuerySelectorAll("li code"), code => code.TextContent.Trim() == Stream);

        var document = System.Text.Json.Nodes.JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!;
        var operation = document["paths"]![Stream]!["get"]!;
        Assert.Equal("StreamAppointmentChanges", operation["operationId"]!.GetValue<string>());
        Assert.NotNull(operation["responses"]!["200"]!["content"]!["text/event-stream"]);
    }
}
