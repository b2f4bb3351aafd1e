using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class AppointmentSeriesApiTests(PazPazApp app) : AppTest(app)
{
    private const string Zone = "Asia/Jerusalem";
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find(Zone);

    private async Task<(Seed.Practice Practice, Client Client, HttpClient Api)> PracticeAsync(string email = "dana@example.com")
    {
        var practice = await App.PracticeAsync(email: email, timeZone: Zone);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, client, await App.ApiClientAsync(email));
    }

    /// <summary>The first Tuesday at least <paramref name="daysAhead"/> days after the test clock's today, in the practice's zone.</summary>
    private DateOnly TuesdayAhead(int daysAhead = 2)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime).AddDays(daysAhead);
        while (day.DayOfWeek != DayOfWeek.Tuesday) day = day.AddDays(1);
        return day;
    }

    private static DateTimeOffset At(DateOnly day, int hour, int minute = 0) => TimeZones.ToUtc(day.ToDateTime(new TimeOnly(hour, minute)), Jerusalem);

    private static TimeOnly LocalTime(JsonNode session) =>
        TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(session["scheduled_start"]!.GetValue<DateTimeOffset>(), Jerusalem).DateTime);

    private static object Series(Guid clientId, DateOnly first, int count = 12, int hour = 10, string[]? skip = null, string[]? weekdays = null) => new
    {
        client_id = clientId, scheduled_start = At(first, hour), scheduled_end = At(first, hour).AddMinutes(50), count,
        skip_dates = skip ?? [], weekdays = weekdays ?? ["tuesday"],
    };

    private static async Task<JsonNode> CreatedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private static List<JsonNode> Sessions(JsonNode series) => series["sessions"]!.AsArray().Select(s => s!).ToList();

    [Fact]
    public async Task A_weekly_series_is_ordinary_appointments_at_the_same_local_time_across_a_dst_change()
    {
        var (practice, client, api) = await PracticeAsync();
        // The next change of Jerusalem's offset, whenever the test runs; the series starts three weeks before it.
        var day = TuesdayAhead();
        var offset = Jerusalem.GetUtcOffset(At(day, 10));
        var change = day;
        while (Jerusalem.GetUtcOffset(At(change, 10)) == offset) change = change.AddDays(7);
        var first = change.AddDays(-21);
        while (first <= DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime)) first = first.AddDays(7);

        var series = await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, count: 6)));

        Assert.Equal("Every Tuesday", series["rule"]!.GetValue<string>());
        var sessions = Sessions(series);
        Assert.Equal(6, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(new TimeOnly(10, 0), LocalTime(s)));
        Assert.Equal(2, sessions.Select(s => s["scheduled_start"]!.GetValue<DateTimeOffset>().TimeOfDay).Distinct().Count()); // two UTC times
        Assert.Equal(Enumerable.Range(0, 6).Select(i => first.AddDays(7 * i)), sessions.Select(s => DateOnly.Parse(s["series_date"]!.GetValue<string>())));
        // Each session is an appointment of its own: in the list, in the feed's source, with its own id.
        var list = await (await api.GetAsync($"/api/v1/appointments?client_id={client.Id}")).JsonAsync();
        Assert.Equal(6, list["total"]!.GetValue<int>());
        Assert.All(list["items"]!.AsArray(), a => Assert.Equal(series["id"]!.GetValue<Guid>(), a!["series_id"]!.GetValue<Guid>()));
        // One create per session and one for the series in the audit trail, as single bookings are audited.
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.WorkspaceId == practice.Workspace.Id && e.Action == AuditAction.Create && (e.ResourceType == "Appointment" || e.ResourceType == "AppointmentSeries")).CountAsync());
        Assert.Equal(7, audited);
    }

    [Fact]
    public async Task Clashing_dates_are_listed_and_nothing_is_saved_until_they_are_skipped_or_confirmed()
    {
        var (practice, client, api) = await PracticeAsync();
        var other = await App.ClientAsync(practice.Workspace.Id, "Lior", "Shapiro");
        var first = TuesdayAhead();
        var taken = first.AddDays(14);
        await App.BookAsync(practice.Owner, other.Id, At(taken, 10, 30), minutes: 60);

        var refused = await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var clash = (await refused.JsonAsync())["clashes"]!.AsArray().Single()!;
        Assert.Equal(taken.ToString("yyyy-MM-dd"), clash["date"]!.GetValue<string>());
        Assert.Equal("L.S.", clash["conflicting_appointments"]![0]!["client_initials"]!.GetValue<string>());
        Assert.Equal(0, await App.WithDbAsync(db => db.AppointmentSeries.IgnoreQueryFilters().CountAsync()));
        Assert.Equal(1, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().CountAsync()));

        var skipped = await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, skip: [taken.ToString("yyyy-MM-dd")])));
        Assert.Equal(11, Sessions(skipped).Count);
        Assert.DoesNotContain(Sessions(skipped), s => s["series_date"]!.GetValue<string>() == taken.ToString("yyyy-MM-dd"));

        var anyway = await api.PostJsonAsync("/api/v1/appointment-series?allow_conflict=true", Series(client.Id, first, hour: 10));
        Assert.Equal(12, Sessions(await CreatedAsync(anyway)).Count);
    }

    [Fact]
    public async Task Sessions_touching_other_appointments_do_not_clash()
    {
        var (practice, client, api) = await PracticeAsync();
        var first = TuesdayAhead();
        await App.BookAsync(practice.Owner, client.Id, At(first.AddDays(7), 9), minutes: 60);      // ends at 10:00
        await App.BookAsync(practice.Owner, client.Id, At(first.AddDays(14), 10, 50), minutes: 60); // starts at 10:50
        await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, count: 4)));
    }

    [Fact]
    public async Task Two_series_booked_at_once_into_the_same_slot_cannot_both_succeed()
    {
        var (_, client, api) = await PracticeAsync();
        var first = TuesdayAhead();
        // Separate requests, separate connections and transactions, as two browsers would send them.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first.AddDays(7 * (i % 2)), count: 10))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await App.WithDbAsync(db => db.AppointmentSeries.IgnoreQueryFilters().CountAsync()));
        Assert.Equal(10, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_session_moved_on_its_own_keeps_its_time_when_the_whole_series_is_moved_later()
    {
        var (_, client, api) = await PracticeAsync();
        var first = TuesdayAhead();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, count: 6))));
        var third = sessions[2]["id"]!.GetValue<Guid>();
        var moved = await api.PutJsonAsync($"/api/v1/appointments/{third}?scope=this",
            new { scheduled_start = At(first.AddDays(15), 16), scheduled_end = At(first.AddDays(15), 16).AddMinutes(50) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.True((await moved.JsonAsync())["changed_on_its_own"]!.GetValue<bool>());

        // "All", from the first session: Tuesdays 10:00 become Wednesdays 11:30, 60 minutes.
        var all = await api.PutJsonAsync($"/api/v1/appointments/{sessions[0]["id"]}?scope=all",
            new { scheduled_start = At(first.AddDays(1), 11, 30), scheduled_end = At(first.AddDays(1), 12, 30), notes = "Bring the band" });
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(5, (await all.JsonAsync())["sessions"]!.AsArray().Count);

        var after = Sessions(await (await api.GetAsync($"/api/v1/appointment-series/{sessions[0]["series_id"]}")).JsonAsync());
        Assert.Equal("Every Wednesday", (await (await api.GetAsync($"/api/v1/appointment-series/{sessions[0]["series_id"]}")).JsonAsync())["rule"]!.GetValue<string>());
        foreach (var session in after.Where(s => s["id"]!.GetValue<Guid>() != third))
        {
            var start = TimeZoneInfo.ConvertTime(session["scheduled_start"]!.GetValue<DateTimeOffset>(), Jerusalem);
            Assert.Equal((DayOfWeek.Wednesday, new TimeOnly(11, 30)), (start.DayOfWeek, TimeOnly.FromDateTime(start.DateTime)));
            Assert.Equal(TimeSpan.FromHours(1), session["scheduled_end"]!.GetValue<DateTimeOffset>() - session["scheduled_start"]!.GetValue<DateTimeOffset>());
        }
        var kept = after.Single(s => s["id"]!.GetValue<Guid>() == third);
        Assert.Equal(At(first.AddDays(15), 16), kept["scheduled_start"]!.GetValue<DateTimeOffset>());
        // Notes are encrypted (each value has its own nonce), so equal notes are compared once decrypted.
        var notes = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().Where(a => a.Id != third).Select(a => a.Notes).ToListAsync());
        Assert.Equal(["Bring the band"], notes.Distinct());
    }

    [Fact]
    public async Task This_and_following_splits_the_series_and_leaves_earlier_sessions_as_they_were()
    {
        var (_, client, api) = await PracticeAsync();
        var first = TuesdayAhead();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, count: 6))));
        var seriesId = sessions[0]["series_id"]!.GetValue<Guid>();
        var fourth = first.AddDays(21);

        var response = await api.PutJsonAsync($"/api/v1/appointments/{sessions[3]["id"]}?scope=following",
            new { scheduled_start = At(fourth, 14), scheduled_end = At(fourth, 14, 50) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var split = (await response.JsonAsync())["series_id"]!.GetValue<Guid>();
        Assert.NotEqual(seriesId, split);

        var earlier = await (await api.GetAsync($"/api/v1/appointment-series/{seriesId}")).JsonAsync();
        Assert.Equal(3, Sessions(earlier).Count);
        Assert.All(Sessions(earlier), s => Assert.Equal(new TimeOnly(10, 0), LocalTime(s)));
        Assert.Equal(fourth.AddDays(-1).ToString("yyyy-MM-dd"), earlier["until"]!.GetValue<string>());
        var later = await (await api.GetAsync($"/api/v1/appointment-series/{split}/sessions")).JsonAsync();
        Assert.Equal(3, later.AsArray().Count);
        Assert.All(later.AsArray(), s => Assert.Equal(new TimeOnly(14, 0), LocalTime(s!)));
    }

    [Fact]
    public async Task A_new_note_for_this_and_following_changes_those_sessions_without_splitting_the_series()
    {
        var (_, client, api) = await PracticeAsync();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead(), count: 4))));
        var seriesId = sessions[0]["series_id"]!.GetValue<Guid>();

        var response = await api.PutJsonAsync($"/api/v1/appointments/{sessions[2]["id"]}?scope=following", new { notes = "Knee again" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(seriesId, (await response.JsonAsync())["series_id"]!.GetValue<Guid>());
        var after = Sessions(await (await api.GetAsync($"/api/v1/appointment-series/{seriesId}")).JsonAsync());
        Assert.Equal([null, null, "Knee again", "Knee again"], after.Select(s => s["notes"]?.GetValue<string>()));
        Assert.All(after, s => Assert.False(s["changed_on_its_own"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Moving_the_series_onto_taken_time_lists_the_clashes_and_changes_nothing_unless_confirmed()
    {
        var (practice, client, api) = await PracticeAsync();
        var other = await App.ClientAsync(practice.Workspace.Id, "Lior", "Shapiro");
        var first = TuesdayAhead();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, first, count: 4))));
        await App.BookAsync(practice.Owner, other.Id, At(first.AddDays(14), 12), minutes: 60);
        var body = new { scheduled_start = At(first, 12), scheduled_end = At(first, 12, 50) };

        var refused = await api.PutJsonAsync($"/api/v1/appointments/{sessions[0]["id"]}?scope=all", body);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(first.AddDays(14).ToString("yyyy-MM-dd"), (await refused.JsonAsync())["clashes"]![0]!["date"]!.GetValue<string>());
        var unchanged = Sessions(await (await api.GetAsync($"/api/v1/appointment-series/{sessions[0]["series_id"]}")).JsonAsync());
        Assert.All(unchanged, s => Assert.Equal(new TimeOnly(10, 0), LocalTime(s)));

        var anyway = await api.PutJsonAsync($"/api/v1/appointments/{sessions[0]["id"]}?scope=all&allow_conflict=true", body);
        Assert.Equal(HttpStatusCode.OK, anyway.StatusCode);
    }

    [Fact]
    public async Task Cancelling_this_and_following_from_week_8_cancels_weeks_8_to_12_only()
    {
        var (_, client, api) = await PracticeAsync();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead()))));

        var response = await api.PutJsonAsync($"/api/v1/appointments/{sessions[7]["id"]}?scope=following", new { status = "cancelled" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var after = Sessions(await (await api.GetAsync($"/api/v1/appointment-series/{sessions[0]["series_id"]}")).JsonAsync());
        Assert.Equal([.. Enumerable.Repeat("scheduled", 7), .. Enumerable.Repeat("cancelled", 5)], after.Select(s => s["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Cancelling_the_whole_series_never_rewrites_sessions_that_have_passed()
    {
        var (_, client, api) = await PracticeAsync();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead(), count: 5))));
        App.Clock.Advance(sessions[1]["scheduled_end"]!.GetValue<DateTimeOffset>() - App.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var completed = await api.PutJsonAsync($"/api/v1/appointments/{sessions[0]["id"]}", new { status = "completed" });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        var response = await api.PutJsonAsync($"/api/v1/appointments/{sessions[3]["id"]}?scope=all", new { status = "cancelled" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.JsonAsync())["sessions"]!.AsArray().Count);

        var after = Sessions(await (await api.GetAsync($"/api/v1/appointment-series/{sessions[0]["series_id"]}")).JsonAsync());
        Assert.Equal(["completed", "scheduled", "cancelled", "cancelled", "cancelled"], after.Select(s => s["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_scope_beyond_one_session_needs_a_series()
    {
        var (practice, client, api) = await PracticeAsync();
        var single = await App.BookAsync(practice.Owner, client.Id, At(TuesdayAhead(), 10));
        var response = await api.PutJsonAsync($"/api/v1/appointments/{single.Id}?scope=all", new { notes = "x" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]!["scope"]);

        var badScope = await api.PutJsonAsync($"/api/v1/appointments/{single.Id}?scope=some", new { notes = "x" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badScope.StatusCode);
        var noShowAll = await api.PutJsonAsync($"/api/v1/appointments/{single.Id}?scope=all", new { status = "no_show" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noShowAll.StatusCode);
    }

    [Theory]
    [InlineData("""{"weekdays": ["someday"]}""", "weekdays")]
    [InlineData("""{"weekdays": []}""", "weekdays")]
    [InlineData("""{"interval_weeks": 0}""", "interval_weeks")]
    [InlineData("""{"count": null}""", "until")]
    [InlineData("""{"until": "{far}"}""", "until")]
    [InlineData("""{"count": 400}""", "count")]
    [InlineData("""{"skip_dates": ["tomorrow"]}""", "skip_dates")]
    [InlineData("""{"until": "2026-02-30"}""", "until")]
    public async Task A_bad_rule_gets_a_422_naming_the_field(string patch, string field)
    {
        var (_, client, api) = await PracticeAsync();
        var first = TuesdayAhead();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Series(client.Id, first, count: 3), ApiJson))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch.Replace("{far}", first.AddYears(2).ToString("yyyy-MM-dd")))!.AsObject())
        {
            body[key] = value?.DeepClone();
            if (key == "until") body.Remove("count");
        }

        var response = await api.PostAsync("/api/v1/appointment-series", ApiClients.Raw(body.ToJsonString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    private static readonly System.Text.Json.JsonSerializerOptions ApiJson = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public async Task Another_workspaces_series_and_sessions_are_404_on_every_endpoint()
    {
        var (_, client, api) = await PracticeAsync();
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead(), count: 3))));
        var seriesId = sessions[0]["series_id"]!.GetValue<Guid>();
        var session = sessions[1]["id"]!.GetValue<Guid>();
        var (_, _, stranger) = await PracticeAsync("eve@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/appointment-series/{seriesId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/appointment-series/{seriesId}/sessions")).StatusCode);
        foreach (var scope in new[] { "this", "following", "all" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutJsonAsync($"/api/v1/appointments/{session}?scope={scope}", new { notes = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutJsonAsync($"/api/v1/appointments/{session}?scope={scope}", new { status = "cancelled" })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead(), count: 3))).StatusCode);
        Assert.Equal(3, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().CountAsync(a => a.Status == AppointmentStatus.Scheduled && a.Notes == null)));
    }

    [Fact]
    public async Task A_series_is_one_booked_email_per_person_not_one_per_session()
    {
        var (practice, client, api) = await PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var sessions = Sessions(await CreatedAsync(await api.PostJsonAsync("/api/v1/appointment-series", Series(client.Id, TuesdayAhead(), count: 12))));

        var booked = await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters().Where(d => d.Kind == NotificationKinds.Booked).ToListAsync());
        Assert.Equal(2, booked.Count); // the owner (the API acted) and the assistant
        Assert.All(booked, d => Assert.Equal(sessions[0]["id"]!.GetValue<Guid>(), d.AppointmentId));

        await api.PutJsonAsync($"/api/v1/appointments/{sessions[4]["id"]}?scope=following", new { status = "cancelled" });
        Assert.Equal(2, await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters().CountAsync(d => d.Kind == NotificationKinds.Cancelled)));
    }
}
