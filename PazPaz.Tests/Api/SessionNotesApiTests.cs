using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Scheduling;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class SessionNotesApiTests(PazPazApp app) : AppTest(app)
{
    private const string Notes = "/api/v1/session-notes";
    private DateTimeOffset Now => App.Clock.GetUtcNow();
    private DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);

    private async Task<(Seed.Practice Practice, Client Client, HttpClient Api)> PracticeAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id);
        return (practice, client, await App.ApiClientAsync("dana@example.com"));
    }

    private static async Task<JsonNode> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<JsonNode> NoteAsync(HttpClient api, Guid clientId, object? text = null) =>
        await CreatedAsync(await api.PostJsonAsync(Notes, text is null ? new { client_id = clientId } : Merge(new { client_id = clientId }, text)));

    private static JsonObject Merge(object a, object b)
    {
        var merged = System.Text.Json.JsonSerializer.SerializeToNode(a)!.AsObject();
        foreach (var (key, value) in System.Text.Json.JsonSerializer.SerializeToNode(b)!.AsObject()) merged[key] = value?.DeepClone();
        return merged;
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string? json = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = json is null ? null : ApiClients.Raw(json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static string[] ErrorFields(JsonNode problem) => problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();

    private static Guid Id(JsonNode note) => note["id"]!.GetValue<Guid>();

    [Fact]
    public async Task A_standalone_note_is_created_with_its_fields_a_location_and_an_etag()
    {
        var (practice, client, api) = await PracticeAsync();

        var response = await api.PostJsonAsync(Notes, new
        {
            client_id = client.Id, subjective = "Sore neck", objective = "Limited rotation", assessment = "Tension", plan = "Stretch",
            session_date = Today.AddDays(-1).ToString("yyyy-MM-dd"), duration_minutes = 50,
        });

        var json = await CreatedAsync(response);
        var id = Id(json);
        Assert.Equal($"{Notes}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{json["revision"]!.GetValue<uint>()}\"", response.Headers.ETag?.ToString());
        Assert.Equal((practice.Workspace.Id, client.Id), (json["workspace_id"]!.GetValue<Guid>(), json["client_id"]!.GetValue<Guid>()));
        Assert.Equal(("Sore neck", "Limited rotation", "Tension", "Stretch"), (json["subjective"]!.GetValue<string>(),
            json["objective"]!.GetValue<string>(), json["assessment"]!.GetValue<string>(), json["plan"]!.GetValue<string>()));
        Assert.Equal((Today.AddDays(-1).ToString("yyyy-MM-dd"), 50, "draft", 0), (json["session_date"]!.GetValue<string>(),
            json["duration_minutes"]!.GetValue<int>(), json["status"]!.GetValue<string>(), json["current_version"]!.GetValue<int>()));
        Assert.Null(json["appointment_id"]);
        Assert.False(json.AsObject().ContainsKey("versions"));
    }

    [Fact]
    public async Task An_appointment_has_one_note_a_second_create_answers_it_or_409_when_it_carries_text()
    {
        var (practice, client, api) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-2), minutes: 45);

        var first = await CreatedAsync(await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, subjective = "Neck" }));
        var again = await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id });
        var withText = await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, subjective = "Other text" });

        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(appointment.ScheduledStart, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);
        Assert.Equal((client.Id, 45, day.ToString("yyyy-MM-dd")), (first["client_id"]!.GetValue<Guid>(),
            first["duration_minutes"]!.GetValue<int>(), first["session_date"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(Id(first), Id(await again.JsonAsync()));
        Assert.Equal(HttpStatusCode.Conflict, withText.StatusCode);
        Assert.Equal(Id(first), (await withText.JsonAsync())["session_note_id"]!.GetValue<Guid>());
        Assert.Equal("Neck", (await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync())).Subjective);
    }

    [Fact]
    public async Task Autosave_changes_only_the_fields_sent_and_answers_a_new_etag()
    {
        var (_, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "Neck", plan = "Rest" });
        var etag = $"\"{note["revision"]!.GetValue<uint>()}\"";

        var saved = await api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", """{"subjective":"Neck and shoulder"}""", etag));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var json = await saved.JsonAsync();
        Assert.Equal(("Neck and shoulder", "Rest", "draft"), (json["subjective"]!.GetValue<string>(), json["plan"]!.GetValue<string>(),
            json["status"]!.GetValue<string>()));
        Assert.NotEqual(etag, saved.Headers.ETag?.ToString());
        Assert.Equal($"\"{json["revision"]!.GetValue<uint>()}\"", saved.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task A_stale_if_match_answers_412_and_a_stale_revision_409_both_with_the_stored_note()
    {
        var (_, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "Loaded" });
        var loaded = note["revision"]!.GetValue<uint>();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", """{"subjective":"Tab A"}""", $"\"{loaded}\""))).StatusCode);

        var byHeader = await api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", """{"subjective":"Tab B"}""", $"\"{loaded}\""));
        var byBody = await api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", $$"""{"subjective":"Tab C","revision":{{loaded}}}"""));
        var garbled = await api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", """{"subjective":"Tab D"}""", "not-an-etag"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, byHeader.StatusCode);
        Assert.Equal("Tab A", (await byHeader.JsonAsync())["current"]!["subjective"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, byBody.StatusCode);
        Assert.Equal("Tab A", (await byBody.JsonAsync())["current"]!["subjective"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.PreconditionFailed, garbled.StatusCode);
        Assert.Equal("Tab A", (await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync())).Subjective);
    }

    [Fact]
    public async Task Two_concurrent_saves_from_the_same_revision_one_wins_and_the_other_is_told()
    {
        var (_, client, api) = await PracticeAsync();
        var other = await App.ApiClientAsync("dana@example.com"); // a second device, its own connection
        var note = await NoteAsync(api, client.Id, new { subjective = "Start" });
        var etag = $"\"{note["revision"]!.GetValue<uint>()}\"";

        for (var round = 0; round < 5; round++)
        {
            var responses = await Task.WhenAll(
                api.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", $$"""{"subjective":"A{{round}}"}""", etag)),
                other.SendAsync(Request(HttpMethod.Put, $"{Notes}/{Id(note)}", $$"""{"subjective":"B{{round}}"}""", etag)));

            var statuses = responses.Select(r => r.StatusCode).Order().ToArray();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], statuses);
            var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
            var loser = await responses.Single(r => r.StatusCode != HttpStatusCode.OK).JsonAsync();
            var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync());
            Assert.Equal((await winner.JsonAsync())["subjective"]!.GetValue<string>(), stored.Subjective);
            Assert.Equal(stored.Subjective, loser["current"]!["subjective"]!.GetValue<string>());
            etag = winner.Headers.ETag!.ToString();
        }
    }

    [Fact]
    public async Task Concurrent_saves_that_name_no_revision_all_apply_last_write_wins()
    {
        var (_, client, api) = await PracticeAsync();
        var other = await App.ApiClientAsync("dana@example.com");
        var note = await NoteAsync(api, client.Id, new { subjective = "Start" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? api : other).PutAsync($"{Notes}/{Id(note)}", ApiClients.Raw($$"""{"subjective":"Save {{i}}"}"""))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync());
        Assert.StartsWith("Save ", stored.Subjective);
    }

    [Fact]
    public async Task Finalize_then_amend_keeps_every_version_newest_first_and_never_returns_to_draft()
    {
        var (practice, client, api) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-1));
        var note = await CreatedAsync(await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, assessment = "First" }));
        var url = $"{Notes}/{Id(note)}";

        var finalized = await api.SendAsync(Request(HttpMethod.Post, $"{url}/finalize", ifMatch: $"\"{note["revision"]!.GetValue<uint>()}\""));
        var amended = await api.PutJsonAsync(url, new { assessment = "Second" });
        var again = await api.PostAsync($"{url}/finalize", null);
        var read = await api.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, finalized.StatusCode);
        Assert.Equal("finalized", (await finalized.JsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var amendedJson = await amended.JsonAsync();
        Assert.Equal(("amended", 1, 2), (amendedJson["status"]!.GetValue<string>(), amendedJson["amendment_count"]!.GetValue<int>(),
            amendedJson["current_version"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal(["status"], ErrorFields(await again.JsonAsync()));
        var versions = (await read.JsonAsync())["versions"]!.AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["version_number"]!.GetValue<int>()));
        Assert.Equal(["Second", "First"], versions.Select(v => v!["assessment"]!.GetValue<string>()));
        var appointmentJson = await (await api.GetAsync($"/api/v1/appointments/{appointment.Id}")).JsonAsync();
        Assert.Equal("completed", appointmentJson["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Finalizing_an_empty_note_is_refused_with_422()
    {
        var (_, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "   " });

        var response = await api.PostAsync($"{Notes}/{Id(note)}/finalize", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("at least one", (await response.JsonAsync())["errors"]!["status"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_needs_a_reason_is_refused_for_amended_notes_and_restore_works_for_30_days()
    {
        var (_, client, api) = await PracticeAsync();
        var draft = await NoteAsync(api, client.Id, new { plan = "Draft" });
        var amended = await NoteAsync(api, client.Id, new { plan = "Kept" });
        await api.PostAsync($"{Notes}/{Id(amended)}/finalize", null);
        await api.PutJsonAsync($"{Notes}/{Id(amended)}", new { plan = "Kept, amended" });

        var noReason = await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(draft)}"));
        var refused = await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(amended)}", """{"reason":"Mistake"}"""));
        var deleted = await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(draft)}", """{"reason":"Wrong client"}"""));

        Assert.Equal(["reason"], ErrorFields(await noReason.JsonAsync()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("medical record", (await refused.JsonAsync())["errors"]!["status"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"{Notes}/{Id(draft)}")).StatusCode);
        var withDeleted = await (await api.GetAsync($"{Notes}/{Id(draft)}?include_deleted=true")).JsonAsync();
        Assert.Equal("Wrong client", withDeleted["deleted_reason"]!.GetValue<string>());
        var live = await (await api.GetAsync($"{Notes}?client_id={client.Id}")).JsonAsync();
        var bin = await (await api.GetAsync($"{Notes}?client_id={client.Id}&deleted=true")).JsonAsync();
        Assert.Equal([Id(amended)], live["items"]!.AsArray().Select(n => Id(n!)));
        Assert.Equal([Id(draft)], bin["items"]!.AsArray().Select(n => Id(n!)));

        App.Clock.Advance(TimeSpan.FromDays(29));
        var restored = await api.PostAsync($"{Notes}/{Id(draft)}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Null((await restored.JsonAsync())["deleted_at"]);

        await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(draft)}", """{"reason":"Again"}"""));
        App.Clock.Advance(SessionNote.DeleteGrace);
        var late = await api.PostAsync($"{Notes}/{Id(draft)}/restore", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Contains("30 days", (await late.JsonAsync())["errors"]!["status"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task The_list_filters_pages_and_searches_within_one_client()
    {
        var (practice, client, api) = await PracticeAsync();
        var other = await App.ClientAsync(practice.Workspace.Id, "Eli", "Ben-David");
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-3));
        var old = await NoteAsync(api, client.Id, new { assessment = "Frozen shoulder", session_date = Today.AddDays(-20).ToString("yyyy-MM-dd") });
        var recent = await NoteAsync(api, client.Id, new { plan = "Ice the knee", session_date = Today.AddDays(-2).ToString("yyyy-MM-dd") });
        var booked = await CreatedAsync(await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, subjective = "Knee pain" }));
        await NoteAsync(api, other.Id, new { plan = "knee brace" });
        await api.PostAsync($"{Notes}/{Id(old)}/finalize", null);
        async Task<Guid[]> IdsAsync(string query)
        {
            var response = await api.GetAsync($"{Notes}?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.JsonAsync())["items"]!.AsArray().Select(n => Id(n!)).ToArray();
        }

        Assert.Equal([Id(booked), Id(recent), Id(old)], await IdsAsync($"client_id={client.Id}"));
        Assert.Equal([Id(booked)], await IdsAsync($"appointment_id={appointment.Id}"));
        Assert.Equal([Id(old)], await IdsAsync($"client_id={client.Id}&status=finalized"));
        Assert.Equal([Id(recent)], await IdsAsync($"client_id={client.Id}&from={Today.AddDays(-10):yyyy-MM-dd}&to={Today.AddDays(-2):yyyy-MM-dd}"));
        Assert.Equal([Id(booked), Id(recent)], await IdsAsync($"client_id={client.Id}&q=KNEE"));
        Assert.Equal([Id(recent)], await IdsAsync($"client_id={client.Id}&q=knee%20ice"));
        Assert.Equal([Id(recent)], await IdsAsync($"client_id={client.Id}&page=2&page_size=1"));
        var paged = await (await api.GetAsync($"{Notes}?client_id={client.Id}&page_size=2")).JsonAsync();
        Assert.Equal((3, 2, 2), (paged["total"]!.GetValue<int>(), paged["total_pages"]!.GetValue<int>(), paged["page_size"]!.GetValue<int>()));

        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var since = Uri.EscapeDataString(App.Clock.GetUtcNow().ToString("O"));
        await api.PutJsonAsync($"{Notes}/{Id(recent)}", new { plan = "Ice the knee twice a day" });
        Assert.Equal([Id(recent)], await IdsAsync($"updated_since={since}"));
    }

    [Theory]
    [InlineData("q=knee", "q")]
    [InlineData("status=signed", "status")]
    [InlineData("from=10-03-2026", "from")]
    [InlineData("from=2026-03-10&to=2026-03-01", "to")]
    [InlineData("client_id=nope", "client_id")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("updated_since=yesterday", "updated_since")]
    public async Task Bad_list_parameters_answer_422_naming_them(string query, string field)
    {
        var (_, _, api) = await PracticeAsync();

        var response = await api.GetAsync($"{Notes}?{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
    }

    [Theory]
    [InlineData("""{"subjective":"a\u0000b"}""", "subjective")]
    [InlineData("""{"objective":"lone \ud800 surrogate"}""", "objective")]
    [InlineData("""{"assessment":"low \udc00 first"}""", "assessment")]
    [InlineData("""{"plan":123}""", "plan")]
    [InlineData("""{"session_date":"2999-01-01"}""", "session_date")]
    [InlineData("""{"session_date":"tomorrow"}""", "session_date")]
    [InlineData("""{"session_date":null}""", "session_date")]
    [InlineData("""{"duration_minutes":481}""", "duration_minutes")]
    [InlineData("""{"duration_minutes":-1}""", "duration_minutes")]
    [InlineData("""{"duration_minutes":1.5}""", "duration_minutes")]
    [InlineData("""{"revision":-1}""", "revision")]
    [InlineData("""{"revision":"abc"}""", "revision")]
    public async Task Bad_input_answers_422_naming_the_field_never_a_500(string body, string field)
    {
        var (_, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "Kept" });

        var update = await api.PutAsync($"{Notes}/{Id(note)}", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, update.StatusCode);
        Assert.Equal([field], ErrorFields(await update.JsonAsync()));
        if (field != "revision")
        {
            var create = await api.PostAsync(Notes, ApiClients.Raw(body.Replace("{", $$"""{"client_id":"{{client.Id}}",""")));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, create.StatusCode);
            Assert.Equal([field], ErrorFields(await create.JsonAsync()));
        }
        Assert.Equal("Kept", (await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync(n => n.Id == Id(note)))).Subjective);
    }

    [Fact]
    public async Task Huge_text_and_bodies_that_are_not_objects_are_refused_never_a_500()
    {
        var (_, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id);
        var url = $"{Notes}/{Id(note)}";

        var justOver = await api.PutJsonAsync(url, new { plan = new string('x', SessionNote.FieldMaxLength + 1) });
        var exactly = await api.PutJsonAsync(url, new { plan = new string('x', SessionNote.FieldMaxLength) });
        var huge = await api.PutJsonAsync(url, new { plan = new string('y', 2_000_000) });
        var notJson = await api.PutAsync(url, ApiClients.Raw("{\"plan\": "));
        var array = await api.PutAsync(url, ApiClients.Raw("[1,2]"));
        var badUtf8 = await api.PutAsync(url, new ByteArrayContent([0x7B, 0x22, 0x70, 0x6C, 0x61, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])
            { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        var reasonNul = await api.SendAsync(Request(HttpMethod.Delete, url, """{"reason":"oops\u0000"}"""));

        Assert.Equal(["plan"], ErrorFields(await justOver.JsonAsync()));
        Assert.Equal(HttpStatusCode.OK, exactly.StatusCode);
        // Over the API's 1 MiB body limit: refused at the edge, before the note's own field limit is reached.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        foreach (var response in new[] { notJson, array, badUtf8 })
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(["reason"], ErrorFields(await reasonNul.JsonAsync()));
    }

    [Fact]
    public async Task Create_needs_a_client_or_an_appointment_but_not_both()
    {
        var (practice, client, api) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-1));

        var neither = await api.PostJsonAsync(Notes, new { subjective = "x" });
        var both = await api.PostJsonAsync(Notes, new { client_id = client.Id, appointment_id = appointment.Id });
        var unknown = await api.PostJsonAsync(Notes, new { client_id = Guid.NewGuid() });
        var later = await api.PostJsonAsync(Notes, new { appointment_id = (await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddDays(2))).Id });

        Assert.Equal(["client_id"], ErrorFields(await neither.JsonAsync()));
        Assert.Equal(["appointment_id"], ErrorFields(await both.JsonAsync()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["session_date"], ErrorFields(await later.JsonAsync()));
    }

    [Fact]
    public async Task Every_endpoint_answers_404_for_another_workspaces_note_and_changes_nothing()
    {
        var (practice, client, api) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-1));
        var note = await CreatedAsync(await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, subjective = "Private" }));
        var deleted = await NoteAsync(api, client.Id, new { subjective = "Deleted" });
        await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(deleted)}", """{"reason":"Test"}"""));
        await App.PracticeAsync("Theirs", "them@example.com");
        var theirs = await App.ApiClientAsync("them@example.com");
        var url = $"{Notes}/{Id(note)}";

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["get"] = await theirs.GetAsync(url),
            ["get deleted"] = await theirs.GetAsync($"{Notes}/{Id(deleted)}?include_deleted=true"),
            ["update"] = await theirs.PutJsonAsync(url, new { subjective = "Overwritten" }),
            ["finalize"] = await theirs.PostAsync($"{url}/finalize", null),
            ["delete"] = await theirs.SendAsync(Request(HttpMethod.Delete, url, """{"reason":"Theirs"}""")),
            ["restore"] = await theirs.PostAsync($"{Notes}/{Id(deleted)}/restore", null),
            ["create for client"] = await theirs.PostJsonAsync(Notes, new { client_id = client.Id }),
            ["create for appointment"] = await theirs.PostJsonAsync(Notes, new { appointment_id = appointment.Id }),
        };
        var listed = await (await theirs.GetAsync($"{Notes}?client_id={client.Id}")).JsonAsync();
        var listedAll = await (await theirs.GetAsync($"{Notes}?deleted=true")).JsonAsync();

        foreach (var (what, response) in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{what}: {(int)response.StatusCode}");
            Assert.DoesNotContain("Private", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, listed["total"]!.GetValue<int>());
        Assert.Equal(0, listedAll["total"]!.GetValue<int>());
        var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync(n => n.Id == Id(note)));
        Assert.Equal(("Private", SessionNoteStatus.Draft, (DateTimeOffset?)null), (stored.Subjective, stored.Status, stored.DeletedAt));
        Assert.Equal(1, await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().CountAsync(n => n.DeletedAt != null)));
    }

    [Fact]
    public async Task An_assistants_token_is_refused_with_403()
    {
        var (practice, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "Private" });
        await App.AssistantAsync(practice.Workspace.Id, "ruth@example.com");
        var assistant = await App.ApiClientAsync("ruth@example.com");

        var get = await assistant.GetAsync($"{Notes}/{Id(note)}");
        var list = await assistant.GetAsync($"{Notes}?client_id={client.Id}");
        var create = await assistant.PostJsonAsync(Notes, new { client_id = client.Id });
        var update = await assistant.PutJsonAsync($"{Notes}/{Id(note)}", new { subjective = "Assistant's text" });
        var finalize = await assistant.PostAsync($"{Notes}/{Id(note)}/finalize", null);
        var delete = await assistant.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(note)}", """{"reason":"x"}"""));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (get.StatusCode, list.StatusCode, create.StatusCode));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (update.StatusCode, finalize.StatusCode, delete.StatusCode));
        Assert.DoesNotContain("Private", await update.Content.ReadAsStringAsync());
        var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Private", SessionNoteStatus.Draft, (DateTimeOffset?)null), (stored.Subjective, stored.Status, stored.DeletedAt));
        Assert.DoesNotContain("Private", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reads_are_audited_one_event_per_call_and_changes_with_field_names_only()
    {
        var (practice, client, api) = await PracticeAsync();
        var note = await NoteAsync(api, client.Id, new { subjective = "Secret-subjective", assessment = "Secret-assessment" });
        var second = await NoteAsync(api, client.Id, new { plan = "Secret-plan" });
        await api.PutJsonAsync($"{Notes}/{Id(note)}", new { subjective = "Secret-edited" });
        await api.PostAsync($"{Notes}/{Id(note)}/finalize", null);
        await api.PutJsonAsync($"{Notes}/{Id(note)}", new { subjective = "Secret-amended" });
        await api.SendAsync(Request(HttpMethod.Delete, $"{Notes}/{Id(second)}", """{"reason":"Secret-reason"}"""));
        await api.PostAsync($"{Notes}/{Id(second)}/restore", null);

        await api.GetAsync($"{Notes}/{Id(note)}");
        await api.GetAsync($"{Notes}?client_id={client.Id}");

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.WorkspaceId == practice.Workspace.Id).ToListAsync());
        var reads = events.Where(e => e.Action == AuditAction.Read && e.ResourceType == nameof(SessionNote)).ToList();
        Assert.Equal(2, reads.Count);
        Assert.Equal(Id(note), Assert.Single(reads, r => r.ResourceId is not null).ResourceId);
        var listRead = Assert.Single(reads, r => r.ResourceId is null);
        Assert.Contains(Id(note).ToString(), listRead.Metadata);
        Assert.Contains(Id(second).ToString(), listRead.Metadata);

        var noteChanges = events.Where(e => e.ResourceType == nameof(SessionNote) && e.Action != AuditAction.Read).ToList();
        Assert.True(noteChanges.Count >= 7, $"{noteChanges.Count} change events"); // 2 creates, edit, finalize, amend, delete, restore
        var changes = noteChanges.Select(e => JsonNode.Parse(e.Changes!)!.AsObject()).ToList();
        Assert.Contains(changes, c => c["status"]?["old"]?.GetValue<string>() == "draft" && c["status"]?["new"]?.GetValue<string>() == "finalized");
        Assert.Contains(changes, c => c.ContainsKey("deleted_reason") && c["deleted_reason"] is null);
        Assert.Contains(changes, c => c.ContainsKey("subjective") && c["subjective"] is null);
        Assert.Contains(events, e => e.ResourceType == nameof(SessionNoteVersion) && e.Action == AuditAction.Create);
        Assert.All(events, e => Assert.DoesNotContain("Secret", (e.Changes ?? "") + (e.Metadata ?? "")));
    }

    [Fact]
    public async Task Deleting_an_appointment_keeps_or_deletes_its_real_note_and_refuses_to_delete_an_amended_one()
    {
        var (practice, client, api) = await PracticeAsync();
        var keep = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-5));
        var drop = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-3));
        var amended = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-1));
        var notes = new List<Guid>();
        foreach (var appointment in new[] { keep, drop, amended })
        {
            var note = await CreatedAsync(await api.PostJsonAsync(Notes, new { appointment_id = appointment.Id, plan = "Text" }));
            await api.PostAsync($"{Notes}/{Id(note)}/finalize", null);
            notes.Add(Id(note));
        }
        await api.PutJsonAsync($"{Notes}/{notes[2]}", new { plan = "Amended" });

        var kept = await api.SendAsync(Request(HttpMethod.Delete, $"/api/v1/appointments/{keep.Id}", """{"session_note_action":"keep"}"""));
        var dropped = await api.SendAsync(Request(HttpMethod.Delete, $"/api/v1/appointments/{drop.Id}", """{"session_note_action":"delete"}"""));
        var refused = await api.SendAsync(Request(HttpMethod.Delete, $"/api/v1/appointments/{amended.Id}", """{"session_note_action":"delete"}"""));

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.UnprocessableEntity),
            (kept.StatusCode, dropped.StatusCode, refused.StatusCode));
        var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().ToDictionaryAsync(n => n.Id));
        Assert.Equal(((Guid?)null, (DateTimeOffset?)null), (stored[notes[0]].AppointmentId, stored[notes[0]].DeletedAt));
        Assert.Equal((Now, Booking.DeletedWithAppointment), (stored[notes[1]].DeletedAt!.Value, stored[notes[1]].DeletedReason));
        Assert.Equal((amended.Id, (DateTimeOffset?)null), (stored[notes[2]].AppointmentId, stored[notes[2]].DeletedAt));
    }
}
