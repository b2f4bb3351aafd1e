using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

/// <summary>Time off through /api/v1/time-off, and how it blocks booking (single, series, move) like an appointment.</summary>
public sealed class TimeOffApiTests(PazPazApp app) : AppTest(app)
{
    private const string Zone = "Asia/Jerusalem";
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find(Zone);

    private async Task<(Seed.Practice Practice, Client Client, HttpClient Api)> PracticeAsync(string email = "dana@example.com", string name = "Sea Breeze Massage")
    {
        var practice = await App.PracticeAsync(name: name, email: email, timeZone: Zone);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, client, await App.ApiClientAsync(email));
    }

    /// <summary>The first <paramref name="weekday"/> at least <paramref name="daysAhead"/> days after the test clock's local today.</summary>
    private DateOnly Ahead(DayOfWeek weekday, int daysAhead = 2)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime).AddDays(daysAhead);
        while (day.DayOfWeek != weekday) day = day.AddDays(1);
        return day;
    }

    private static DateTimeOffset At(DateOnly day, int hour, int minute = 0) => TimeZones.ToUtc(day.ToDateTime(new TimeOnly(hour, minute)), Jerusalem);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd");

    private static async Task<JsonNode> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static Task<HttpResponseMessage> BookAsync(HttpClient api, Guid clientId, DateTimeOffset start, bool allowConflict = false) =>
        api.PostJsonAsync("/api/v1/appointments" + (allowConflict ? "?allow_conflict=true" : ""),
            new { client_id = clientId, scheduled_start = start, scheduled_end = start.AddMinutes(50) });

    [Fact]
    public async Task Booking_over_time_off_is_refused_naming_the_time_off_never_a_client_unless_confirmed()
    {
        var (_, client, api) = await PracticeAsync();
        var day = Ahead(DayOfWeek.Wednesday);
        var off = await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off", new { label = "Course", starts_at = At(day, 9), ends_at = At(day, 13) }));

        var refused = await BookAsync(api, client.Id, At(day, 12, 30));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var clash = (await refused.JsonAsync())["conflicting_appointments"]!.AsArray().Single()!;
        Assert.Equal(("time_off", "Course", off["id"]!.GetValue<Guid>()), (clash["kind"]!.GetValue<string>(), clash["label"]!.GetValue<string>(), clash["id"]!.GetValue<Guid>()));
        Assert.Null(clash["client_initials"]);
        // Touching ends are no conflict; "book anyway" books over it.
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(api, client.Id, At(day, 13))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(api, client.Id, At(day, 10), allowConflict: true)).StatusCode);
        // The conflicts endpoint says the same.
        var check = await (await api.GetAsync($"/api/v1/appointments/conflicts?scheduled_start={Uri.EscapeDataString(At(day, 8, 30).ToString("O"))}&scheduled_end={Uri.EscapeDataString(At(day, 9, 30).ToString("O"))}")).JsonAsync();
        Assert.True(check["has_conflict"]!.GetValue<bool>());
        Assert.Contains(check["conflicting_appointments"]!.AsArray(), c => c!["kind"]!.GetValue<string>() == "time_off");
    }

    [Fact]
    public async Task A_series_over_a_repeating_day_off_lists_the_clashing_dates_and_a_move_onto_it_is_refused()
    {
        var (_, client, api) = await PracticeAsync();
        var friday = Ahead(DayOfWeek.Friday);
        var fridays = await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off",
            new { label = "Day off", all_day = true, start_date = Iso(friday), weekdays = new[] { "friday" }, count = 8 }));
        Assert.Equal(8, fridays.AsArray().Count);
        Assert.All(fridays.AsArray(), f => Assert.Equal("Every Friday", f!["repeats"]!.GetValue<string>()));

        // Thursdays and Fridays at 10:00 for 4 weeks: the four Fridays clash, the Thursdays do not.
        var thursday = friday.AddDays(-1) > DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime) ? friday.AddDays(-1) : friday.AddDays(6);
        var series = await api.PostJsonAsync("/api/v1/appointment-series", new
        {
            client_id = client.Id, scheduled_start = At(thursday, 10), scheduled_end = At(thursday, 10, 50), count = 8, weekdays = new[] { "thursday", "friday" },
        });
        Assert.Equal(HttpStatusCode.Conflict, series.StatusCode);
        var clashes = (await series.JsonAsync())["clashes"]!.AsArray();
        Assert.Equal(4, clashes.Count);
        Assert.All(clashes, c => Assert.Equal(DayOfWeek.Friday, DateOnly.Parse(c!["date"]!.GetValue<string>()).DayOfWeek));
        Assert.All(clashes, c => Assert.Equal("Day off", c!["conflicting_appointments"]![0]!["label"]!.GetValue<string>()));

        // A Thursday appointment dragged onto the Friday: the same warning.
        var booked = await (await BookAsync(api, client.Id, At(thursday, 10))).JsonAsync();
        var move = await api.PutJsonAsync($"/api/v1/appointments/{booked["id"]}", new { scheduled_start = At(thursday.AddDays(1), 10), scheduled_end = At(thursday.AddDays(1), 10, 50) });
        Assert.Equal(HttpStatusCode.Conflict, move.StatusCode);
        Assert.Equal("time_off", (await move.JsonAsync())["conflicting_appointments"]![0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Time_off_over_appointments_warns_and_lists_them_and_cancels_nothing()
    {
        var (practice, client, api) = await PracticeAsync();
        var day = Ahead(DayOfWeek.Monday);
        var appointment = await (await BookAsync(api, client.Id, At(day, 11))).JsonAsync();

        var warned = await api.PostJsonAsync("/api/v1/time-off", new { label = "Dentist", starts_at = At(day, 10), ends_at = At(day, 12) });

        Assert.Equal(HttpStatusCode.Conflict, warned.StatusCode);
        var listed = (await warned.JsonAsync())["conflicting_appointments"]!.AsArray().Single()!;
        Assert.Equal(("N.C.", appointment["id"]!.GetValue<Guid>()), (listed["client_initials"]!.GetValue<string>(), listed["id"]!.GetValue<Guid>()));
        Assert.Equal(0, await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().CountAsync(t => t.WorkspaceId == practice.Workspace.Id)));

        await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off?allow_conflict=true", new { label = "Dentist", starts_at = At(day, 10), ends_at = At(day, 12) }));
        var still = await (await api.GetAsync($"/api/v1/appointments/{appointment["id"]}")).JsonAsync();
        Assert.Equal("scheduled", still["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_label_is_encrypted_at_rest_and_the_list_reads_it_back()
    {
        var (practice, _, api) = await PracticeAsync();
        var day = Ahead(DayOfWeek.Tuesday);
        await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off", new { label = "IVF clinic", starts_at = At(day, 8), ends_at = At(day, 10) }));

        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT label FROM time_off";
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain("IVF", stored);

        var list = await (await api.GetAsync($"/api/v1/time-off?start_date={Uri.EscapeDataString(At(day, 0).ToString("O"))}&end_date={Uri.EscapeDataString(At(day.AddDays(1), 0).ToString("O"))}")).JsonAsync();
        Assert.Equal("IVF clinic", list.AsArray().Single()!["label"]!.GetValue<string>());
        Assert.Equal(practice.Owner.Id, list.AsArray().Single()!["created_by_user_id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Editing_and_deleting_a_repeating_entry_reach_this_one_the_following_or_all()
    {
        var (_, client, api) = await PracticeAsync();
        var friday = Ahead(DayOfWeek.Friday);
        var entries = (await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off",
            new { all_day = true, start_date = Iso(friday), weekdays = new[] { "friday" }, count = 6 }))).AsArray().Select(e => e!["id"]!.GetValue<Guid>()).ToList();

        // This one: the third Friday becomes a morning only; the others stay all day.
        var changed = await api.PutJsonAsync($"/api/v1/time-off/{entries[2]}", new { all_day = false, starts_at = At(friday.AddDays(14), 8), ends_at = At(friday.AddDays(14), 12) });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(api, client.Id, At(friday.AddDays(14), 13))).StatusCode);

        // This and following from the fifth: deleted, the series ends before it; the first four remain (one changed on its own).
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/time-off/{entries[4]}?scope=following")).StatusCode);
        var left = await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().Where(t => t.DeletedAt == null).CountAsync());
        Assert.Equal(4, left);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(api, client.Id, At(friday.AddDays(28), 10))).StatusCode);

        // All: a label for every one still to come, then all gone.
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/time-off/{entries[0]}?scope=all", new { label = "Shabbat prep" })).StatusCode);
        // Labels are encrypted with a fresh nonce each: compared after reading, not in SQL.
        var labels = await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().Select(t => t.Label).ToListAsync());
        Assert.Equal(3, labels.Count(l => l == "Shabbat prep"));
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/time-off/{entries[1]}?scope=all")).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().CountAsync(t => t.DeletedAt == null)));
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(api, client.Id, At(friday, 10))).StatusCode);
    }

    [Fact]
    public async Task Another_practices_time_off_is_not_found_on_every_endpoint_and_does_not_block_its_bookings()
    {
        var (_, _, api) = await PracticeAsync();
        var (_, otherClient, other) = await PracticeAsync("yael@example.com", "Other Practice");
        var day = Ahead(DayOfWeek.Sunday);
        var id = (await CreatedAsync(await api.PostJsonAsync("/api/v1/time-off", new { starts_at = At(day, 9), ends_at = At(day, 17) })))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/time-off/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutJsonAsync($"/api/v1/time-off/{id}", new { label = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/time-off/{id}")).StatusCode);
        var list = await (await other.GetAsync($"/api/v1/time-off?start_date={Uri.EscapeDataString(At(day, 0).ToString("O"))}&end_date={Uri.EscapeDataString(At(day.AddDays(1), 0).ToString("O"))}")).JsonAsync();
        Assert.Empty(list.AsArray());
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(other, otherClient.Id, At(day, 10))).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_naming_the_field()
    {
        var (_, _, api) = await PracticeAsync();
        var day = Ahead(DayOfWeek.Monday);
        async Task<string> FieldAsync(object body)
        {
            var response = await api.PostJsonAsync("/api/v1/time-off", body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            return string.Join(",", (await response.JsonAsync())["errors"]!.AsObject().Select(p => p.Key));
        }
        Assert.Equal("ends_at", await FieldAsync(new { starts_at = At(day, 10), ends_at = At(day, 9) }));
        Assert.Equal("ends_at", await FieldAsync(new { starts_at = At(day, 10), ends_at = At(day.AddDays(61), 9) }));
        Assert.Equal("end_date", await FieldAsync(new { all_day = true, start_date = Iso(day), end_date = Iso(day.AddDays(-1)) }));
        Assert.Equal("end_date", await FieldAsync(new { all_day = true, start_date = Iso(day), end_date = Iso(day.AddDays(1)), weekdays = new[] { "monday" }, count = 3 }));
        Assert.Equal("weekdays", await FieldAsync(new { all_day = true, start_date = Iso(day), weekdays = new[] { "someday" }, count = 3 }));
        Assert.Equal("until", await FieldAsync(new { all_day = true, start_date = Iso(day), weekdays = new[] { "monday" } }));
        Assert.Equal("label", await FieldAsync(new { label = new string('x', 201), starts_at = At(day, 10), ends_at = At(day, 11) }));
        Assert.Equal("start_date", await FieldAsync(new { all_day = true }));
    }
}
