using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class CalendarFeedsApiTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Create_shows_the_url_once_and_the_list_never_shows_it()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");

        var created = await api.PostJsonAsync("/api/v1/calendar-feeds", new { privacy_preset = "client_initials", window_days_ahead = 90 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.JsonAsync();
        var url = json["url"]!.GetValue<string>();
        Assert.Matches(@"^http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics$", url);
        Assert.Equal("webcal://" + url["http://".Length..], json["webcal_url"]!.GetValue<string>());
        Assert.Equal(("PazPaz – Dana Levi", "client_initials", 60, 90, true, false),
            (json["name"]!.GetValue<string>(), json["privacy_preset"]!.GetValue<string>(), json["window_days_back"]!.GetValue<int>(),
             json["window_days_ahead"]!.GetValue<int>(), json["keep_cancelled_until_start"]!.GetValue<bool>(), json["show_private_locations"]!.GetValue<bool>()));

        var list = await api.GetAsync("/api/v1/calendar-feeds");
        var body = await list.Content.ReadAsStringAsync();
        Assert.Single((await list.JsonAsync())["items"]!.AsArray());
        Assert.DoesNotContain("/calendar/", body);
        var token = url[(url.LastIndexOf('/') + 1)..^4];
        Assert.DoesNotContain(token, body);
        Assert.DoesNotContain(token, await (await api.GetAsync($"/api/v1/calendar-feeds/{json["id"]}")).Content.ReadAsStringAsync());
        var stored = await App.WithDbAsync(db => db.CalendarFeeds.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(PazPaz.Security.Tokens.Hash(token), stored.TokenHash);
    }

    [Fact]
    public async Task Bad_settings_answer_422_naming_the_field()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PostJsonAsync("/api/v1/calendar-feeds", new { privacy_preset = "everything", window_days_back = -1, name = "  " });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        Assert.Equal(["name", "privacy_preset", "window_days_back"], errors.Select(e => e.Key).Order());
    }

    [Fact]
    public async Task Created_rotated_and_revoked_are_in_the_audit_trail_without_the_token_hash()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");
        var id = (await (await api.PostJsonAsync("/api/v1/calendar-feeds", new { })).JsonAsync())["id"]!.GetValue<Guid>();
        await api.PostAsync($"/api/v1/calendar-feeds/{id}/rotate", null);
        await api.DeleteAsync($"/api/v1/calendar-feeds/{id}");

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ResourceId == id).OrderBy(a => a.Id).ToListAsync());
        var hash = await App.WithDbAsync(db => db.CalendarFeeds.IgnoreQueryFilters().Where(f => f.Id == id).Select(f => f.TokenHash).SingleAsync());

        Assert.Equal([AuditAction.Create, AuditAction.Update, AuditAction.Update], events.Select(e => e.Action));
        var rotated = JsonNode.Parse(events[1].Changes!)!;
        Assert.Equal((1, 2), (rotated["token_generation"]!["old"]!.GetValue<int>(), rotated["token_generation"]!["new"]!.GetValue<int>()));
        Assert.True(rotated.AsObject().ContainsKey("token_hash"));
        Assert.Null(rotated["token_hash"]);
        Assert.NotNull(JsonNode.Parse(events[2].Changes!)!["revoked_at"]);
        Assert.All(events, e => Assert.DoesNotContain(hash, e.Changes ?? ""));
    }

    [Fact]
    public async Task Other_workspaces_and_other_users_feeds_answer_404()
    {
        var practice = await App.PracticeAsync();
        await App.PracticeAsync("Other Practice", "ruth@example.com");
        await App.WithDbAsync(async db =>
        {
            db.Users.Add(User.Create(practice.Workspace.Id, "assistant@example.com", "Ana Assistant", UserRole.Assistant, App.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var dana = await App.ApiClientAsync("dana@example.com");
        var id = (await (await dana.PostJsonAsync("/api/v1/calendar-feeds", new { })).JsonAsync())["id"]!.GetValue<Guid>();

        foreach (var email in new[] { "ruth@example.com", "assistant@example.com" })
        {
            var other = await App.ApiClientAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/calendar-feeds/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PutJsonAsync($"/api/v1/calendar-feeds/{id}", new { name = "Mine" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/calendar-feeds/{id}/rotate", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/calendar-feeds/{id}")).StatusCode);
            Assert.Empty((await (await other.GetAsync("/api/v1/calendar-feeds")).JsonAsync())["items"]!.AsArray());
        }
        var feed = await (await dana.GetAsync($"/api/v1/calendar-feeds/{id}")).JsonAsync();
        Assert.Equal("PazPaz – Dana Levi", feed["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_revoked_feed_is_gone_from_the_api()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");
        var id = (await (await api.PostJsonAsync("/api/v1/calendar-feeds", new { })).JsonAsync())["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/calendar-feeds/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/calendar-feeds/{id}/rotate", null)).StatusCode);
        Assert.Empty((await (await api.GetAsync("/api/v1/calendar-feeds")).JsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Export_ics_needs_a_valid_range_and_is_audited_as_an_export()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id);
        var api = await App.ApiClientAsync("dana@example.com");
        var start = new DateTimeOffset(App.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(2).AddHours(9);
        var booked = await api.PostJsonAsync("/api/v1/appointments", new { client_id = client.Id, scheduled_start = start, scheduled_end = start.AddHours(1), location_type = "clinic" });
        var id = (await booked.JsonAsync())["id"]!.GetValue<Guid>();
        var from = start.AddDays(-1).ToString("yyyy-MM-dd");
        var to = start.AddDays(1).ToString("yyyy-MM-dd");

        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Browser().GetAsync($"/api/v1/appointments/export.ics?start_date={from}&end_date={to}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.GetAsync("/api/v1/appointments/export.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.GetAsync($"/api/v1/appointments/export.ics?start_date=nonsense&end_date={to}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.GetAsync($"/api/v1/appointments/export.ics?start_date={to}&end_date={from}")).StatusCode);
        var tooLong = await api.GetAsync("/api/v1/appointments/export.ics?start_date=2026-01-01&end_date=2028-06-01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("end_date", await tooLong.Content.ReadAsStringAsync());

        var response = await api.GetAsync($"/api/v1/appointments/export.ics?start_date={from}&end_date={to}&privacy_preset=client_full_name");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var e = Parsed.Events(await response.Content.ReadAsStringAsync()).Single();
        Assert.Equal(($"{id}@pazpaz", "Noa Cohen"), (e.Uid, e.Summary));
        var audit = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.Action == AuditAction.Export && a.WorkspaceId == practice.Workspace.Id).ToListAsync());
        var export = Assert.Single(audit);
        Assert.Equal(practice.Owner.Id, export.UserId);
        var metadata = JsonNode.Parse(export.Metadata!)!;
        Assert.Equal("ics", metadata["format"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse(from + "T00:00:00Z"), metadata["start_date"]!.GetValue<DateTimeOffset>());
        Assert.Equal(DateTimeOffset.Parse(to + "T00:00:00Z"), metadata["end_date"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, metadata["appointments"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_list_api_updated_since_returns_cancelled_appointments_but_not_deleted_ones()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id);
        var api = await App.ApiClientAsync("dana@example.com");
        var start = App.Clock.GetUtcNow().AddDays(2);
        async Task<Guid> Book(int hour)
        {
            var r = await api.PostJsonAsync("/api/v1/appointments", new { client_id = client.Id, scheduled_start = start.AddHours(hour), scheduled_end = start.AddHours(hour + 1), location_type = "clinic" });
            return (await r.JsonAsync())["id"]!.GetValue<Guid>();
        }
        var cancelled = await Book(0);
        var deleted = await Book(2);
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        var since = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await api.PutJsonAsync($"/api/v1/appointments/{cancelled}", new { status = "cancelled" });
        await api.DeleteAsync($"/api/v1/appointments/{deleted}");

        var json = await (await api.GetAsync($"/api/v1/appointments?updated_since={Uri.EscapeDataString(since.ToString("O"))}")).JsonAsync();

        // A sync client learns about cancellations here; a deletion only by the appointment's absence (or a 404 on GET).
        Assert.Equal([cancelled.ToString()], json["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal("cancelled", json["items"]![0]!["status"]!.GetValue<string>());
    }
}
