using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class AppointmentsApiTests(PazPazApp app) : AppTest(app)
{
    private static readonly DateTimeOffset Nine = new(2026, 4, 14, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A whole hour two to three hours before the test clock's now: a session that has started, whenever the test runs.</summary>
    private DateTimeOffset StartedEarlier()
    {
        var now = App.Clock.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
    }

    private async Task<(Seed.Practice Practice, Client Client, HttpClient Api)> PracticeWithClientAsync(string email = "dana@example.com")
    {
        var practice = await App.PracticeAsync(email: email);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, client, await App.ApiClientAsync(email));
    }

    private static object Booking(Guid clientId, DateTimeOffset start, int minutes = 60) =>
        new { client_id = clientId, scheduled_start = start, scheduled_end = start.AddMinutes(minutes), location_type = "clinic" };

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync())["id"]!.GetValue<Guid>();
    }

    [Fact]
    public async Task Booking_returns_the_appointment_with_its_client()
    {
        var (practice, client, api) = await PracticeWithClientAsync();

        var response = await api.PostJsonAsync("/api/v1/appointments", new
        {
            client_id = client.Id, scheduled_start = "2026-04-14T12:00:00+03:00", scheduled_end = "2026-04-14T13:00:00+03:00",
            location_type = "home", location_details = "Herzl 5", notes = "First visit",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal($"/api/v1/appointments/{json["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(practice.Workspace.Id, json["workspace_id"]!.GetValue<Guid>());
        Assert.Equal(Nine, json["scheduled_start"]!.GetValue<DateTimeOffset>());
        Assert.Equal("scheduled", json["status"]!.GetValue<string>());
        Assert.Equal("home", json["location_type"]!.GetValue<string>());
        Assert.Equal("Noa Cohen", json["client"]!["full_name"]!.GetValue<string>());
        Assert.Equal(0, json["edit_count"]!.GetValue<int>());
        Assert.Equal(0, json["sequence"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_overlap_is_refused_with_the_conflicts_unless_allowed()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var first = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));

        var refused = await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddMinutes(30)));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var conflict = (await refused.JsonAsync())["conflicting_appointments"]!.AsArray().Single()!;
        Assert.Equal(first, conflict["id"]!.GetValue<Guid>());
        Assert.Equal("N.C.", conflict["client_initials"]!.GetValue<string>());
        Assert.Null(conflict["client"]);

        var allowed = await api.PostJsonAsync("/api/v1/appointments?allow_conflict=true", Booking(client.Id, Nine.AddMinutes(30)));
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task Back_to_back_appointments_do_not_conflict()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddHours(1))));
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddHours(-1))));
    }

    [Theory]
    [InlineData(-30, 120)] // the new one encloses the existing one
    [InlineData(15, 30)]   // the new one lies inside the existing one
    [InlineData(0, 60)]    // exactly the same slot
    [InlineData(59, 60)]   // one minute of overlap at the end
    public async Task Any_overlap_is_a_conflict(int offsetMinutes, int minutes)
    {
        var (_, client, api) = await PracticeWithClientAsync();
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));

        var response = await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddMinutes(offsetMinutes), minutes));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Twenty_concurrent_bookings_of_one_free_slot_give_one_success_and_nineteen_conflicts()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        // Separate connections: each request runs in its own transaction, as twenty browsers would.
        var attempts = Enumerable.Range(0, 20).Select(_ => api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task The_end_must_follow_the_start()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var response = await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine, minutes: 0));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]!["scheduled_end"]);
    }

    [Theory]
    [InlineData("""{"client_id": null, "scheduled_start": "2026-04-14T09:00:00Z", "scheduled_end": "2026-04-14T10:00:00Z"}""", "client_id")]
    [InlineData("""{"client_id": "{client}", "scheduled_start": null, "scheduled_end": "2026-04-14T10:00:00Z"}""", "scheduled_start")]
    [InlineData("""{"client_id": "{client}", "scheduled_start": "2026-04-14T09:00:00", "scheduled_end": "2026-04-14T10:00:00Z"}""", "scheduled_start")]
    [InlineData("""{"client_id": "{client}", "scheduled_start": "2026-04-14T09:00:00Z", "scheduled_end": "2026-04-14T10:00:00Z", "location_type": "moon"}""", "location_type")]
    [InlineData("""{"client_id": "not-a-uuid", "scheduled_start": "2026-04-14T09:00:00Z", "scheduled_end": "2026-04-14T10:00:00Z"}""", "client_id")]
    [InlineData("""{"client_id": "{client}", "scheduled_start": "2026-04-14T09:00:00Z", "scheduled_end": "2026-04-15T10:00:00Z"}""", "scheduled_end")]
    public async Task Bad_input_gets_a_422_naming_the_field(string body, string field)
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var response = await api.PostAsync("/api/v1/appointments", ApiClients.Raw(body.Replace("{client}", client.Id.ToString())));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{not json")]
    [InlineData("")]
    public async Task A_body_that_is_not_an_object_gets_a_422(string body)
    {
        var (_, _, api) = await PracticeWithClientAsync();
        var response = await api.PostAsync("/api/v1/appointments", ApiClients.Raw(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Booking_for_another_workspaces_client_answers_404()
    {
        var (_, _, api) = await PracticeWithClientAsync();
        var other = await App.PracticeAsync("Other", "other@example.com");
        var foreignClient = await App.ClientAsync(other.Workspace.Id, "Secret", "Person");

        var response = await api.PostJsonAsync("/api/v1/appointments", Booking(foreignClient.Id, Nine));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Secret", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_workspaces_appointment_is_404_for_every_endpoint_and_stays_unchanged()
    {
        var (_, _, api) = await PracticeWithClientAsync();
        var other = await App.PracticeAsync("Other", "other@example.com");
        var otherClient = await App.ClientAsync(other.Workspace.Id, "Secret", "Person");
        var otherApi = await App.ApiClientAsync("other@example.com");
        var foreign = await CreatedIdAsync(await otherApi.PostJsonAsync("/api/v1/appointments", Booking(otherClient.Id, Nine)));

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/appointments/{foreign}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutJsonAsync($"/api/v1/appointments/{foreign}", new { notes = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutJsonAsync($"/api/v1/appointments/{foreign}", new { status = "cancelled" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/v1/appointments/{foreign}")).StatusCode);
        var list = await (await api.GetAsync("/api/v1/appointments")).JsonAsync();
        Assert.Equal(0, list["total"]!.GetValue<int>());
        var conflicts = await (await api.GetAsync($"/api/v1/appointments/conflicts?scheduled_start={Uri.EscapeDataString(Nine.ToString("O"))}&scheduled_end={Uri.EscapeDataString(Nine.AddHours(1).ToString("O"))}")).JsonAsync();
        Assert.False(conflicts["has_conflict"]!.GetValue<bool>());

        var untouched = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == foreign));
        Assert.Equal((AppointmentStatus.Scheduled, null, null), (untouched.Status, untouched.Notes, untouched.DeletedAt));
    }

    [Fact]
    public async Task A_partial_update_changes_only_what_is_sent_and_tracks_the_edit()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var id = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        App.Clock.Advance(TimeSpan.FromMinutes(5));

        var moved = await (await api.PutJsonAsync($"/api/v1/appointments/{id}", new
        {
            scheduled_start = Nine.AddHours(2), scheduled_end = Nine.AddHours(3),
        })).JsonAsync();
        Assert.Equal(Nine.AddHours(2), moved["scheduled_start"]!.GetValue<DateTimeOffset>());
        Assert.Equal("clinic", moved["location_type"]!.GetValue<string>());
        Assert.Equal(1, moved["edit_count"]!.GetValue<int>());
        Assert.Equal(1, moved["sequence"]!.GetValue<int>());
        Assert.Equal(App.Clock.GetUtcNow(), moved["edited_at"]!.GetValue<DateTimeOffset>());

        var same = await (await api.PutJsonAsync($"/api/v1/appointments/{id}", new { scheduled_start = Nine.AddHours(2) })).JsonAsync();
        Assert.Equal(1, same["edit_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Moving_onto_another_appointment_is_a_conflict_but_moving_within_itself_is_not()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var first = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddHours(2))));

        var intoSelf = await api.PutJsonAsync($"/api/v1/appointments/{first}", new { scheduled_start = Nine.AddMinutes(15), scheduled_end = Nine.AddMinutes(75) });
        Assert.Equal(HttpStatusCode.OK, intoSelf.StatusCode);

        var ontoOther = await api.PutJsonAsync($"/api/v1/appointments/{first}", new { scheduled_start = Nine.AddMinutes(90), scheduled_end = Nine.AddMinutes(150) });
        Assert.Equal(HttpStatusCode.Conflict, ontoOther.StatusCode);
        var stored = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == first));
        Assert.Equal(Nine.AddMinutes(15), stored.ScheduledStart);

        var anyway = await api.PutJsonAsync($"/api/v1/appointments/{first}?allow_conflict=true", new { scheduled_start = Nine.AddMinutes(90), scheduled_end = Nine.AddMinutes(150) });
        Assert.Equal(HttpStatusCode.OK, anyway.StatusCode);
    }

    [Fact]
    public async Task Cancelled_and_no_show_appointments_free_their_slot_and_restoring_checks_it_again()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var started = StartedEarlier(); // a no-show needs a session that has started
        var cancelled = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, started)));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{cancelled}", new { status = "cancelled" })).StatusCode);
        var noShow = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, started)));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{noShow}", new { status = "no_show" })).StatusCode);

        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, started)));

        var restore = await api.PutJsonAsync($"/api/v1/appointments/{cancelled}", new { status = "scheduled" });
        Assert.Equal(HttpStatusCode.Conflict, restore.StatusCode);
        var restoreAnyway = await api.PutJsonAsync($"/api/v1/appointments/{cancelled}?allow_conflict=true", new { status = "scheduled" });
        Assert.Equal("scheduled", (await restoreAnyway.JsonAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_status_change_explains_why()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var id = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, StartedEarlier())));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "completed" })).StatusCode);

        var response = await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "scheduled" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("cannot go back to scheduled", (await response.JsonAsync())["errors"]!["status"]![0]!.GetValue<string>());

        var unknown = await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "maybe" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }

    [Fact]
    public async Task A_session_still_to_come_cannot_be_completed_or_marked_a_no_show()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var later = App.Clock.GetUtcNow().AddDays(6);
        var id = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, later)));

        foreach (var (status, says) in new[] { ("completed", "marked completed once it has started"), ("no_show", "marked a no-show once it has started") })
        {
            var response = await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(says, (await response.JsonAsync())["errors"]!["status"]![0]!.GetValue<string>());
        }
        App.Clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{id}", new { status = "completed" })).StatusCode);
    }

    [Fact]
    public async Task The_list_filters_orders_and_pages()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var other = await App.ClientAsync((await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync())).Id, "Amit", "Biton");
        for (var day = 0; day < 5; day++)
            await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(day % 2 == 0 ? client.Id : other.Id, Nine.AddDays(day))));

        var page = await (await api.GetAsync("/api/v1/appointments?page=2&page_size=2")).JsonAsync();
        Assert.Equal((5, 2, 2, 3), (page["total"]!.GetValue<int>(), page["page"]!.GetValue<int>(), page["page_size"]!.GetValue<int>(), page["total_pages"]!.GetValue<int>()));
        Assert.Equal([Nine.AddDays(2), Nine.AddDays(1)], page["items"]!.AsArray().Select(i => i!["scheduled_start"]!.GetValue<DateTimeOffset>()));

        var forClient = await (await api.GetAsync($"/api/v1/appointments?client_id={client.Id}")).JsonAsync();
        Assert.Equal(3, forClient["total"]!.GetValue<int>());

        var range = await (await api.GetAsync("/api/v1/appointments?start_date=2026-04-15&end_date=2026-04-17")).JsonAsync();
        Assert.Equal(2, range["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Updated_since_returns_only_what_changed()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var early = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddDays(1))));
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        var since = App.Clock.GetUtcNow();
        await api.PutJsonAsync($"/api/v1/appointments/{early}", new { notes = "changed" });

        var changed = await (await api.GetAsync($"/api/v1/appointments?updated_since={Uri.EscapeDataString(since.ToString("O"))}")).JsonAsync();
        Assert.Equal([early], changed["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
    }

    [Theory]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page=0", "page")]
    [InlineData("status=maybe", "status")]
    [InlineData("start_date=yesterday", "start_date")]
    [InlineData("client_id=42", "client_id")]
    public async Task Bad_list_parameters_get_a_422(string query, string field)
    {
        var (_, _, api) = await PracticeWithClientAsync();
        var response = await api.GetAsync($"/api/v1/appointments?{query}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
    }

    [Fact]
    public async Task The_conflict_check_excludes_the_appointment_being_edited()
    {
        var (_, client, api) = await PracticeWithClientAsync();
        var id = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        var range = $"scheduled_start={Uri.EscapeDataString(Nine.AddMinutes(30).ToString("O"))}&scheduled_end={Uri.EscapeDataString(Nine.AddMinutes(90).ToString("O"))}";

        var with = await (await api.GetAsync($"/api/v1/appointments/conflicts?{range}")).JsonAsync();
        var without = await (await api.GetAsync($"/api/v1/appointments/conflicts?{range}&exclude_appointment_id={id}")).JsonAsync();

        Assert.True(with["has_conflict"]!.GetValue<bool>());
        var conflict = with["conflicting_appointments"]!.AsArray().Single()!;
        Assert.Equal(["client_initials", "id", "location_type", "scheduled_end", "scheduled_start", "status"],
            conflict.AsObject().Select(p => p.Key).Order());
        Assert.False(without["has_conflict"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Delete_keeps_or_deletes_the_session_notes_and_records_the_reason()
    {
        var (practice, client, api) = await PracticeWithClientAsync();
        var keep = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine)));
        var drop = await CreatedIdAsync(await api.PostJsonAsync("/api/v1/appointments", Booking(client.Id, Nine.AddDays(1))));
        await App.WithDbAsync(async db =>
        {
            db.AddRange(SessionNote.Create(practice.Workspace.Id, client.Id, new DateOnly(2026, 4, 14), keep),
                SessionNote.Create(practice.Workspace.Id, client.Id, new DateOnly(2026, 4, 15), drop));
            await db.SaveChangesAsync();
        });

        var kept = await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/appointments/{keep}")
            { Content = ApiClients.Raw("""{"session_note_action": "keep", "reason": "Booked twice"}""") });
        var dropped = await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/appointments/{drop}")
            { Content = ApiClients.Raw("""{"session_note_action": "delete", "reason": "Client moved away"}""") });

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (kept.StatusCode, dropped.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/appointments/{keep}")).StatusCode);
        var notes = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().OrderBy(n => n.SessionDate).ToListAsync());
        Assert.Null(notes[0].AppointmentId);
        Assert.Null(notes[0].DeletedAt);
        Assert.NotNull(notes[1].DeletedAt);
        Assert.Equal(notes[1].DeletedAt!.Value.AddDays(30), notes[1].PermanentDeleteAfter);
        var audit = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .SingleAsync(a => a.ResourceId == drop && a.Action == AuditAction.Delete));
        Assert.Contains("Client moved away", audit.Metadata);
    }

    [Fact]
    public async Task A_browser_session_must_send_the_antiforgery_token_to_write()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var response = await browser.PostJsonAsync("/api/v1/appointments", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
