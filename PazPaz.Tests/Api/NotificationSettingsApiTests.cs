using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class NotificationSettingsApiTests(PazPazApp app) : AppTest(app)
{
    private const string Url = "/api/v1/users/me/notification-settings";

    private Task<UserNotificationSettings?> StoredAsync(Guid userId) =>
        App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId));

    private Task<User> AddUserAsync(Guid workspaceId, string email, UserRole role = UserRole.Assistant) => App.WithDbAsync(async db =>
    {
        var user = User.Create(workspaceId, email, "Ari Assistant", role, App.Clock.GetUtcNow());
        db.Add(user);
        await db.SaveChangesAsync();
        return user;
    });

    private static int[] Days(JsonNode json, string field) => json[field]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();

    [Fact]
    public async Task The_first_get_creates_the_defaults_and_answers_them()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        Assert.Null(await StoredAsync(practice.Owner.Id));
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.GetAsync(Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json["email_enabled"]!.GetValue<bool>());
        foreach (var e in new[] { "booked", "cancelled", "rescheduled", "confirmed" })
            Assert.True(json[$"notify_appointment_{e}"]!.GetValue<bool>());
        Assert.False(json["digest_enabled"]!.GetValue<bool>());
        Assert.Equal("08:00", json["digest_time"]!.GetValue<string>());
        Assert.Equal([1, 2, 3, 4, 5], Days(json, "digest_days"));
        Assert.False(json["tomorrow_digest_enabled"]!.GetValue<bool>());
        Assert.Equal("20:00", json["tomorrow_digest_time"]!.GetValue<string>());
        Assert.Equal([0, 1, 2, 3, 4], Days(json, "tomorrow_digest_days"));
        Assert.Equal((true, 60), (json["reminder_enabled"]!.GetValue<bool>(), json["reminder_minutes"]!.GetValue<int>()));
        Assert.Equal((true, "18:00"), (json["notes_reminder_enabled"]!.GetValue<bool>(), json["notes_reminder_time"]!.GetValue<string>()));
        Assert.Equal(JsonValueKind.Object, json["extended_settings"]!.GetValueKind());
        Assert.Equal(App.Clock.GetUtcNow(), json["created_at"]!.GetValue<DateTimeOffset>());
        Assert.NotNull(json["updated_at"]);

        var stored = await StoredAsync(practice.Owner.Id);
        Assert.NotNull(stored);
        Assert.Equal(practice.Workspace.Id, stored.WorkspaceId);
        // A second GET reads the same row rather than making another.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Url)).StatusCode);
        Assert.Equal(1, await App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task First_requests_at_the_same_moment_share_one_row()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => i % 2 == 0
            ? api.GetAsync(Url)
            : api.PutJsonAsync(Url, new { reminder_minutes = 30 })));

        // Reads all succeed; saves of the one row at the same moment either apply or answer 409 (never lost silently).
        Assert.All(responses.Where((_, i) => i % 2 == 0), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var saves = responses.Where((_, i) => i % 2 == 1).Select(r => r.StatusCode).ToList();
        Assert.All(saves, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(HttpStatusCode.OK, saves);
        Assert.Equal(1, await App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().CountAsync()));
        Assert.Equal(30, (await StoredAsync(practice.Owner.Id))!.ReminderMinutes);
    }

    [Fact]
    public async Task A_partial_update_changes_only_the_fields_sent()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PutJsonAsync(Url, new { digest_enabled = true, digest_time = "07:15", reminder_minutes = 15 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal((true, "07:15", 15), (json["digest_enabled"]!.GetValue<bool>(), json["digest_time"]!.GetValue<string>(),
            json["reminder_minutes"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3, 4, 5], Days(json, "digest_days"));

        var second = await api.PutJsonAsync(Url, new { notify_appointment_booked = false, tomorrow_digest_days = new[] { 6 } });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal((true, "07:15", 15), (stored.DigestEnabled, stored.DigestTime, stored.ReminderMinutes));
        Assert.False(stored.NotifyAppointmentBooked);
        Assert.True(stored.NotifyAppointmentCancelled);
        Assert.Equal([6], stored.TomorrowDigestDays);
        Assert.Equal(("20:00", "18:00", true), (stored.TomorrowDigestTime, stored.NotesReminderTime, stored.EmailEnabled));
    }

    [Fact]
    public async Task Days_are_stored_sorted_and_without_duplicates()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var json = await (await api.PutJsonAsync(Url, new { digest_days = new[] { 5, 0, 3, 3, 5 }, tomorrow_digest_days = new[] { 6, 6 } })).JsonAsync();

        Assert.Equal([0, 3, 5], Days(json, "digest_days"));
        Assert.Equal([6], Days(json, "tomorrow_digest_days"));
        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal([0, 3, 5], stored.DigestDays);
        Assert.Equal([6], stored.TomorrowDigestDays);
    }

    [Fact]
    public async Task Extended_settings_are_kept_as_the_object_sent()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        await api.PutAsync(Url, ApiClients.Raw("""{"extended_settings":{"quiet_hours":{"from":"22:00","to":"07:00"}}}"""));
        var json = await (await api.GetAsync(Url)).JsonAsync();

        Assert.Equal("22:00", json["extended_settings"]!["quiet_hours"]!["from"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"digest_time":"8:00"}""", "digest_time")]
    [InlineData("""{"digest_time":"24:00"}""", "digest_time")]
    [InlineData("""{"tomorrow_digest_time":"08:60"}""", "tomorrow_digest_time")]
    [InlineData("""{"notes_reminder_time":"6pm"}""", "notes_reminder_time")]
    [InlineData("""{"notes_reminder_time":""}""", "notes_reminder_time")]
    [InlineData("""{"reminder_minutes":45}""", "reminder_minutes")]
    [InlineData("""{"reminder_minutes":0}""", "reminder_minutes")]
    [InlineData("""{"digest_days":[]}""", "digest_days")]
    [InlineData("""{"digest_days":[1,7]}""", "digest_days")]
    [InlineData("""{"tomorrow_digest_days":[-1]}""", "tomorrow_digest_days")]
    [InlineData("""{"digest_time":null}""", "digest_time")]
    [InlineData("""{"digest_days":null}""", "digest_days")]
    [InlineData("""{"email_enabled":null}""", "email_enabled")]
    [InlineData("""{"reminder_minutes":null}""", "reminder_minutes")]
    [InlineData("""{"extended_settings":null}""", "extended_settings")]
    [InlineData("""{"email_enabled":"yes"}""", "email_enabled")]
    [InlineData("""{"reminder_minutes":"60"}""", "reminder_minutes")]
    [InlineData("""{"reminder_minutes":60.5}""", "reminder_minutes")]
    [InlineData("""{"digest_time":800}""", "digest_time")]
    [InlineData("""{"digest_days":"1,2"}""", "digest_days")]
    [InlineData("""{"digest_days":[1,"2"]}""", "digest_days")]
    [InlineData("""{"extended_settings":[1]}""", "extended_settings")]
    public async Task An_invalid_value_is_422_naming_the_field_and_nothing_is_saved(string body, string field)
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        // A valid change sent alongside the bad one must not be saved either.
        var withValid = body.Replace("{", """{"digest_enabled":true,""");

        var response = await api.PutAsync(Url, ApiClients.Raw(withValid));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        Assert.Equal([field], errors.Select(e => e.Key));
        Assert.False(string.IsNullOrWhiteSpace(errors[field]![0]!.GetValue<string>()));
        // Not even the defaults row: a refused first PUT leaves no trace.
        Assert.Null(await StoredAsync(practice.Owner.Id));
    }

    [Fact]
    public async Task A_bad_time_names_the_format_in_its_message()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PutAsync(Url, ApiClients.Raw("""{"digest_time":"8:00","reminder_minutes":45}"""));

        var errors = (await response.JsonAsync())["errors"]!;
        Assert.Contains("HH:MM", errors["digest_time"]![0]!.GetValue<string>());
        Assert.Contains("15, 30, 60, 120 or 1440", errors["reminder_minutes"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_update_keeps_the_values_stored_before()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        await api.PutJsonAsync(Url, new { digest_time = "07:00", digest_days = new[] { 1, 3 } });

        var response = await api.PutAsync(Url, ApiClients.Raw("""{"digest_time":"07:30","digest_days":[]}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal("07:00", stored.DigestTime);
        Assert.Equal([1, 3], stored.DigestDays);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    public async Task A_body_that_is_not_an_object_is_422(string body)
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PutAsync(Url, ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Each_user_sees_and_changes_only_their_own_settings()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var assistant = await AddUserAsync(practice.Workspace.Id, "ari@example.com");
        var elsewhere = await App.PracticeAsync("Elsewhere", "them@example.com");
        var dana = await App.ApiClientAsync("dana@example.com");
        var ari = await App.ApiClientAsync("ari@example.com");
        var them = await App.ApiClientAsync("them@example.com");

        await dana.PutJsonAsync(Url, new { digest_enabled = true, digest_time = "06:45" });
        var arisView = await (await ari.GetAsync(Url)).JsonAsync();
        var theirView = await (await them.GetAsync(Url)).JsonAsync();
        await ari.PutJsonAsync(Url, new { reminder_minutes = 1440 });

        Assert.Equal((false, "08:00"), (arisView["digest_enabled"]!.GetValue<bool>(), arisView["digest_time"]!.GetValue<string>()));
        Assert.Equal("08:00", theirView["digest_time"]!.GetValue<string>());
        var danas = (await StoredAsync(practice.Owner.Id))!;
        var aris = (await StoredAsync(assistant.Id))!;
        var theirs = (await StoredAsync(elsewhere.Owner.Id))!;
        Assert.Equal((true, "06:45", 60), (danas.DigestEnabled, danas.DigestTime, danas.ReminderMinutes));
        Assert.Equal((false, "08:00", 1440), (aris.DigestEnabled, aris.DigestTime, aris.ReminderMinutes));
        Assert.Equal((false, "08:00", 60), (theirs.DigestEnabled, theirs.DigestTime, theirs.ReminderMinutes));
        Assert.Equal((practice.Workspace.Id, practice.Workspace.Id, elsewhere.Workspace.Id), (danas.WorkspaceId, aris.WorkspaceId, theirs.WorkspaceId));
    }

    [Fact]
    public async Task Without_a_token_the_settings_are_401()
    {
        await App.PracticeAsync(email: "dana@example.com");

        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Browser().GetAsync(Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.Browser().PutAsync(Url, ApiClients.Raw("""{"digest_enabled":true}"""))).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_change_is_in_the_audit_trail_with_old_and_new_values()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        await api.GetAsync(Url);
        var id = (await StoredAsync(practice.Owner.Id))!.Id;

        await api.PutJsonAsync(Url, new { digest_time = "09:30" });

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ResourceId == id).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([AuditAction.Create, AuditAction.Update], events.Select(e => e.Action));
        Assert.Equal(practice.Owner.Id, events[1].UserId);
        using var changes = JsonDocument.Parse(events[1].Changes!);
        var digestTime = changes.RootElement.GetProperty("digest_time");
        Assert.Equal(("08:00", "09:30"), (digestTime.GetProperty("old").GetString(), digestTime.GetProperty("new").GetString()));
        Assert.Equal(["digest_time"], changes.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_operations_are_in_the_openapi_document_and_the_reference_page()
    {
        var document = JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!;
        var path = document["paths"]![Url]!;
        Assert.Equal("GetNotificationSettings", path["get"]!["operationId"]!.GetValue<string>());
        Assert.Equal("UpdateNotificationSettings", path["put"]!["operationId"]!.GetValue<string>());
        Assert.Contains("HH:MM", path["put"]!["summary"]!.GetValue<string>());

        var page = await App.Browser().GetPageAsync("/developers/api");
        var operations = page.QuerySelectorAll("li").Select(li => string.Join(" ", li.QuerySelectorAll("span, code").Take(2).Select(e => e.TextContent.Trim()))).ToList();
        Assert.Contains($"GET {Url}", operations);
        Assert.Contains($"PUT {Url}", operations);
    }
}
