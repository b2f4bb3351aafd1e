using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Calendar;

/// <summary>GET /calendar/{token}.ics over HTTP: headers, conditional requests, token lifecycle, privacy, statuses, limits.</summary>
public sealed class FeedEndpointTests(PazPazApp app) : AppTest(app)
{
    private sealed record Setup(Seed.Practice Practice, Client Client, HttpClient Api, Guid FeedId, string FeedPath);

    private async Task<Setup> SetUpAsync(object? feedSettings = null, string email = "dana@example.com")
    {
        var practice = await App.PracticeAsync(email: email);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var api = await App.ApiClientAsync(email);
        var created = await api.PostJsonAsync("/api/v1/calendar-feeds", feedSettings ?? new { });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.JsonAsync();
        var url = new Uri(json["url"]!.GetValue<string>());
        return new Setup(practice, client, api, json["id"]!.GetValue<Guid>(), url.PathAndQuery);
    }

    private DateTimeOffset Tomorrow(int hour = 9) =>
        new DateTimeOffset(App.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddHours(hour);

    private static async Task<Guid> BookAsync(HttpClient api, Guid clientId, DateTimeOffset start, string locationType = "clinic", string? details = null)
    {
        var response = await api.PostJsonAsync("/api/v1/appointments", new
        {
            client_id = clientId, scheduled_start = start, scheduled_end = start.AddHours(1), location_type = locationType, location_details = details,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync())["id"]!.GetValue<Guid>();
    }

    private async Task<string> FeedAsync(string path, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (userAgent is not null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        var response = await App.Browser().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_feed_answers_a_private_uncached_calendar_with_the_listed_headers()
    {
        var s = await SetUpAsync();
        var id = await BookAsync(s.Api, s.Client.Id, Tomorrow());

        var response = await App.Browser().GetAsync(s.FeedPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Null(response.Content.Headers.ContentDisposition);
        var cache = response.Headers.CacheControl!;
        Assert.Equal((true, TimeSpan.Zero, true, false), (cache.Private, cache.MaxAge, cache.MustRevalidate, cache.Public));
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("noindex", response.Headers.GetValues("X-Robots-Tag").Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        var text = await response.Content.ReadAsStringAsync();
        var e = Parsed.Events(text).Single();
        Assert.Equal(($"{id}@pazpaz", "Session", "CONFIRMED", 0), (e.Uid, e.Summary, e.Status, e.Sequence));
        Assert.Contains("X-WR-CALNAME:PazPaz – Dana Levi\r\n", text);
        Assert.Contains("X-WR-TIMEZONE:Europe/London\r\n", text);
    }

    [Fact]
    public async Task A_matching_etag_or_an_unchanged_date_answers_304_and_an_edit_changes_the_etag()
    {
        var s = await SetUpAsync();
        var id = await BookAsync(s.Api, s.Client.Id, Tomorrow());
        var first = await App.Browser().GetAsync(s.FeedPath);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        using (var byTag = new HttpRequestMessage(HttpMethod.Get, s.FeedPath))
        {
            byTag.Headers.IfNoneMatch.Add(etag);
            var response = await App.Browser().SendAsync(byTag);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
        using (var byDate = new HttpRequestMessage(HttpMethod.Get, s.FeedPath))
        {
            byDate.Headers.IfModifiedSince = lastModified;
            Assert.Equal(HttpStatusCode.NotModified, (await App.Browser().SendAsync(byDate)).StatusCode);
        }

        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var moved = await s.Api.PutJsonAsync($"/api/v1/appointments/{id}", new { scheduled_start = Tomorrow(11), scheduled_end = Tomorrow(12) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Get, s.FeedPath);
        stale.Headers.IfNoneMatch.Add(etag);
        var after = await App.Browser().SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
        Assert.True(after.Content.Headers.LastModified > lastModified);
        var e = Parsed.Events(await after.Content.ReadAsStringAsync()).Single();
        Assert.Equal(($"{id}@pazpaz", 1), (e.Uid, e.Sequence));
        using var oldDate = new HttpRequestMessage(HttpMethod.Get, s.FeedPath);
        oldDate.Headers.IfModifiedSince = lastModified;
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().SendAsync(oldDate)).StatusCode);
    }

    [Fact]
    public async Task Unknown_rotated_and_revoked_tokens_all_answer_404()
    {
        var s = await SetUpAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync("/calendar/" + new string('A', 43) + ".ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync("/calendar/short.ics")).StatusCode);

        var rotated = await s.Api.PostAsync($"/api/v1/calendar-feeds/{s.FeedId}/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newPath = new Uri((await rotated.JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        Assert.NotEqual(s.FeedPath, newPath);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(s.FeedPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(newPath)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await s.Api.DeleteAsync($"/api/v1/calendar-feeds/{s.FeedId}")).StatusCode);
        var revoked = await App.Browser().GetAsync(newPath);
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.DoesNotContain("revoked", await revoked.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_preset_change_retitles_every_event_and_raises_its_sequence_but_a_client_who_hides_their_name_stays_a_session()
    {
        var s = await SetUpAsync();
        var hidden = await App.ClientAsync(s.Practice.Workspace.Id, "Avi", "Mizrahi");
        await App.WithDbAsync(async db =>
        {
            var client = await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == hidden.Id);
            client.SetHideNameOutsidePazPaz(true);
            await db.SaveChangesAsync();
        });
        await BookAsync(s.Api, s.Client.Id, Tomorrow(9));
        await BookAsync(s.Api, hidden.Id, Tomorrow(11));
        Assert.Equal([("Session", 0), ("Session", 0)], Parsed.Events(await FeedAsync(s.FeedPath)).Select(e => (e.Summary, e.Sequence)));

        foreach (var (preset, title) in new[] { ("client_full_name", "Noa Cohen"), ("client_first_name", "Noa"), ("client_initials", "N.C."), ("service_name", "Session") })
        {
            Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/calendar-feeds/{s.FeedId}", new { privacy_preset = preset })).StatusCode);
            var events = Parsed.Events(await FeedAsync(s.FeedPath));
            Assert.Equal([title, "Session"], events.Select(e => e.Summary));
        }
        Assert.All(Parsed.Events(await FeedAsync(s.FeedPath)), e => Assert.Equal(4, e.Sequence));
    }

    [Fact]
    public async Task Home_visit_addresses_show_only_after_opting_in()
    {
        var s = await SetUpAsync();
        await BookAsync(s.Api, s.Client.Id, Tomorrow(), "home", "12 Rose Lane, Bristol");
        Assert.Equal("Home visit", Parsed.Events(await FeedAsync(s.FeedPath)).Single().Location);

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/calendar-feeds/{s.FeedId}") { Content = ApiClients.Raw("""{"show_private_locations": true}""") };
        Assert.Equal(HttpStatusCode.OK, (await s.Api.SendAsync(patch)).StatusCode);

        var e = Parsed.Events(await FeedAsync(s.FeedPath)).Single();
        Assert.Equal(("Home visit: 12 Rose Lane, Bristol", 1), (e.Location, e.Sequence));
    }

    [Fact]
    public async Task Cancelled_appointments_stay_until_they_start_no_shows_stay_confirmed_and_deleted_ones_disappear()
    {
        var s = await SetUpAsync();
        var cancelled = await BookAsync(s.Api, s.Client.Id, Tomorrow(9));
        var noShow = await BookAsync(s.Api, s.Client.Id, App.Clock.GetUtcNow().AddHours(-3));
        var deleted = await BookAsync(s.Api, s.Client.Id, Tomorrow(13));
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/appointments/{cancelled}", new { status = "cancelled" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/appointments/{noShow}", new { status = "no_show" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Api.DeleteAsync($"/api/v1/appointments/{deleted}")).StatusCode);

        var text = await FeedAsync(s.FeedPath);
        var events = Parsed.Events(text).ToDictionary(e => e.Uid);
        Assert.Equal(2, events.Count);
        Assert.Equal(("CONFIRMED", 1), (events[$"{noShow}@pazpaz"].Status, events[$"{noShow}@pazpaz"].Sequence));
        Assert.Equal(("CANCELLED", 1), (events[$"{cancelled}@pazpaz"].Status, events[$"{cancelled}@pazpaz"].Sequence));
        Assert.Contains("X-PAZPAZ-STATUS:no_show\r\n", text);

        App.Clock.SetUtcNow(Tomorrow(9).AddMinutes(1));
        var later = Parsed.Events(await FeedAsync(s.FeedPath));
        Assert.Equal([$"{noShow}@pazpaz"], later.Select(e => e.Uid));
    }

    [Fact]
    public async Task A_feed_that_does_not_keep_cancelled_appointments_drops_them_at_once()
    {
        var s = await SetUpAsync(new { keep_cancelled_until_start = false });
        var id = await BookAsync(s.Api, s.Client.Id, Tomorrow(9));
        Assert.Single(Parsed.Events(await FeedAsync(s.FeedPath)));
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "cancelled" })).StatusCode);
        Assert.Empty(Parsed.Events(await FeedAsync(s.FeedPath)));
    }

    [Fact]
    public async Task A_fetch_is_recorded_with_the_app_without_changing_the_etag()
    {
        var s = await SetUpAsync();
        await BookAsync(s.Api, s.Client.Id, Tomorrow());
        using var first = new HttpRequestMessage(HttpMethod.Get, s.FeedPath);
        first.Headers.TryAddWithoutValidation("User-Agent", "Google-Calendar-Importer");
        var response = await App.Browser().SendAsync(first);
        var fetchedAt = App.Clock.GetUtcNow();

        App.Clock.Advance(TimeSpan.FromMinutes(2));
        using var second = new HttpRequestMessage(HttpMethod.Get, s.FeedPath);
        second.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await App.Browser().SendAsync(second)).StatusCode);

        var feed = await s.Api.GetAsync($"/api/v1/calendar-feeds/{s.FeedId}");
        var json = await feed.JsonAsync();
        Assert.Equal(fetchedAt.AddMinutes(2), json["last_fetched_at"]!.GetValue<DateTimeOffset>());
        Assert.Null(json["last_fetched_by"]); // the 304 came without a user agent, and is the latest fetch
        var stored = await App.WithDbAsync(db => db.CalendarFeeds.IgnoreQueryFilters().SingleAsync(f => f.Id == s.FeedId));
        Assert.Null(stored.LastFetchedUserAgent);

        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await FeedAsync(s.FeedPath, "Google-Calendar-Importer");
        json = await (await s.Api.GetAsync($"/api/v1/calendar-feeds/{s.FeedId}")).JsonAsync();
        Assert.Equal("Google Calendar", json["last_fetched_by"]!.GetValue<string>());
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().CountAsync(a => a.ResourceId == s.FeedId && a.Action == AuditAction.Update));
        Assert.Equal(0, audited);
    }

    [Fact]
    public async Task Fetching_one_feed_too_often_answers_429()
    {
        var s = await SetUpAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++) statuses.Add((await App.Browser().GetAsync(s.FeedPath)).StatusCode);
        Assert.All(statuses[..30], status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[30]);
    }

    [Fact]
    public async Task A_feed_shows_only_its_own_workspace()
    {
        var mine = await SetUpAsync();
        var theirs = await App.PracticeAsync("Other Practice", "ruth@example.com");
        var theirClient = await App.ClientAsync(theirs.Workspace.Id, "Eli", "Katz");
        var theirApi = await App.ApiClientAsync("ruth@example.com");
        await BookAsync(theirApi, theirClient.Id, Tomorrow());
        var id = await BookAsync(mine.Api, mine.Client.Id, Tomorrow(14));

        Assert.Equal([$"{id}@pazpaz"], Parsed.Events(await FeedAsync(mine.FeedPath)).Select(e => e.Uid));
    }

    [Fact]
    public async Task An_unchanged_feed_is_served_again_byte_for_byte_and_a_renamed_client_is_not_served_stale()
    {
        var s = await SetUpAsync(new { privacy_preset = "client_full_name" });
        await BookAsync(s.Api, s.Client.Id, Tomorrow());
        var first = await FeedAsync(s.FeedPath);
        Assert.Equal(first, await FeedAsync(s.FeedPath));

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.WithDbAsync(async db =>
        {
            var client = await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == s.Client.Id);
            client.Rename("Noa", "Levi-Cohen");
            await db.SaveChangesAsync();
        });

        Assert.Equal("Noa Levi-Cohen", Parsed.Events(await FeedAsync(s.FeedPath)).Single().Summary);
    }

    [Fact]
    public async Task Head_answers_the_status_and_headers_of_get_without_a_body()
    {
        var s = await SetUpAsync();
        await BookAsync(s.Api, s.Client.Id, Tomorrow());

        var head = await App.Browser().SendAsync(new HttpRequestMessage(HttpMethod.Head, s.FeedPath));
        var get = await App.Browser().GetAsync(s.FeedPath);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (head.StatusCode, get.StatusCode));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal("text/calendar; charset=utf-8", head.Content.Headers.ContentType?.ToString());
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
        Assert.Equal("no-referrer", head.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("noindex", head.Headers.GetValues("X-Robots-Tag").Single());

        using var conditional = new HttpRequestMessage(HttpMethod.Head, s.FeedPath);
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        var notModified = await App.Browser().SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(get.Headers.ETag, notModified.Headers.ETag);

        var unknown = await App.Browser().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/calendar/" + new string('A', 43) + ".ics"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Deactivating_a_user_revokes_their_feeds_for_good_and_leaves_colleagues_feeds_alone()
    {
        var s = await SetUpAsync();
        await App.AssistantAsync(s.Practice.Workspace.Id, "ruth@example.com");
        var ruth = await App.ApiClientAsync("ruth@example.com");
        var ruthsFeed = await ruth.PostJsonAsync("/api/v1/calendar-feeds", new { });
        var ruthsPath = new Uri((await ruthsFeed.JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        var second = await s.Api.PostJsonAsync("/api/v1/calendar-feeds", new { name = "Phone" });
        var secondPath = new Uri((await second.JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        await BookAsync(s.Api, s.Client.Id, Tomorrow());
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(s.FeedPath)).StatusCode);

        // Deactivation has no page or command yet: done as an operator would, through the entity verb.
        await App.WithDbAsync(async db =>
        {
            var dana = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Id == s.Practice.Owner.Id);
            dana.Deactivate(await db.CalendarFeeds.IgnoreQueryFilters().LiveOf(dana).ToListAsync(), [], App.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var feeds = await App.WithDbAsync(db => db.CalendarFeeds.IgnoreQueryFilters().ToListAsync());
        var danas = feeds.Where(f => f.UserId == s.Practice.Owner.Id).ToList();
        Assert.Equal(2, danas.Count);
        Assert.All(danas, f => Assert.Equal(App.Clock.GetUtcNow(), f.RevokedAt));
        Assert.Single(feeds, f => !f.IsRevoked);
        List<Guid?> danasIds = [.. danas.Select(f => (Guid?)f.Id)];
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceType == nameof(CalendarFeed) && a.Action == AuditAction.Update && danasIds.Contains(a.ResourceId)).ToListAsync());
        Assert.Equal(2, audited.Count);
        Assert.All(audited, a => Assert.Contains("revoked_at", a.Changes!));

        await App.WithDbAsync(async db =>
        {
            (await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Id == s.Practice.Owner.Id)).Activate();
            await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(s.FeedPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(secondPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(ruthsPath)).StatusCode);
    }
}
