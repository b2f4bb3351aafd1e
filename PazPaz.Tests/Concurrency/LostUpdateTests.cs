using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Domain;
using PazPaz.Scheduling;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Concurrency;

/// <summary>
/// Two saves of one row at once never lose one silently: appointments, clients, the workspace and notification settings
/// carry PostgreSQL's xmin as their version. The races are made with real transactions held open from the test.
/// </summary>
public sealed class LostUpdateTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, Client Client, Appointment Appointment, HttpClient Api)> PracticeAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com", timeZone: "Asia/Jerusalem");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var appointment = await App.BookAsync(practice.Owner, client.Id, App.Clock.GetUtcNow().AddDays(2));
        return (practice, client, appointment, await App.ApiClientAsync("dana@example.com"));
    }

    private Task<Appointment> StoredAsync(Guid id) => App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().AsNoTracking().SingleAsync(a => a.Id == id));

    /// <summary>Waits until <paramref name="count"/> transactions wait on a lock (the requests got as far as the test wants).</summary>
    private async Task WaitForWaitersAsync(NpgsqlConnection observer, string lockType, int count = 1)
    {
        var waiting = 0L;
        await Poll.UntilAsync(async () =>
        {
            await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = @type", observer);
            query.Parameters.AddWithValue("type", lockType);
            waiting = (long)(await query.ExecuteScalarAsync())!;
            return waiting >= count;
        });
        Assert.True(waiting >= count, $"{waiting} of {count} requests reached the {lockType} lock");
    }

    [Fact]
    public async Task An_edit_saved_while_its_client_is_renamed_loses_neither_sequence_raise()
    {
        var (practice, client, appointment, api) = await PracticeAsync();
        var before = await StoredAsync(appointment.Id);

        // Hold the practice's booking lock: the edit reads the appointment, then waits for the lock.
        await using var holder = (NpgsqlConnection)await App.OpenConnectionAsync();
        await using var observer = (NpgsqlConnection)await App.OpenConnectionAsync();
        await using (var hold = await holder.BeginTransactionAsync())
        {
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({Booking.LockKey(practice.Workspace.Id)})", holder, hold))
                await take.ExecuteNonQueryAsync();
            var edit = api.PutJsonAsync($"/api/v1/appointments/{appointment.Id}",
                new { scheduled_start = before.ScheduledStart.AddHours(1), scheduled_end = before.ScheduledEnd.AddHours(1) });
            await WaitForWaitersAsync(observer, "advisory");

            // Meanwhile the client is renamed: the feed's SEQUENCE of every appointment of theirs rises.
            var rename = await api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { first_name = "Noam" });
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            Assert.Equal(before.Sequence + 1, (await StoredAsync(appointment.Id)).Sequence);

            await hold.CommitAsync();
            var edited = await edit;

            // The edit read the appointment before the raise: saving it would have written its own sequence over the raise.
            Assert.Equal(HttpStatusCode.Conflict, edited.StatusCode);
            Assert.Equal("Changed by someone else", (await edited.JsonAsync())["title"]!.GetValue<string>());
        }
        var after = await StoredAsync(appointment.Id);
        Assert.Equal((before.Sequence + 1, before.ScheduledStart), (after.Sequence, after.ScheduledStart));

        // Sent again, the edit applies on top of the rename, and the sequence rises once more.
        var again = await api.PutJsonAsync($"/api/v1/appointments/{appointment.Id}",
            new { scheduled_start = before.ScheduledStart.AddHours(1), scheduled_end = before.ScheduledEnd.AddHours(1) });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var last = await StoredAsync(appointment.Id);
        Assert.Equal((before.Sequence + 2, before.ScheduledStart.AddHours(1)), (last.Sequence, last.ScheduledStart));
    }

    [Fact]
    public async Task Two_saves_of_one_client_at_the_same_moment_keep_one_and_refuse_the_other()
    {
        var (_, client, _, api) = await PracticeAsync();
        await using var holder = (NpgsqlConnection)await App.OpenConnectionAsync();
        await using var observer = (NpgsqlConnection)await App.OpenConnectionAsync();
        HttpResponseMessage[] answers;
        await using (var hold = await holder.BeginTransactionAsync())
        {
            // A row lock lets both requests read the client and makes both wait at their UPDATE.
            await using (var take = new NpgsqlCommand($"SELECT 1 FROM clients WHERE id = '{client.Id}' FOR UPDATE", holder, hold))
                await take.ExecuteNonQueryAsync();
            var saves = new[]
            {
                api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { phone = "050-1111111" }),
                api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { phone = "050-2222222" }),
            };
            await WaitForWaitersAsync(observer, "transactionid", 1);
            await Poll.UntilAsync(async () =>
            {
                await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted", observer);
                return (long)(await query.ExecuteScalarAsync())! >= 2;
            });
            await hold.CommitAsync();
            answers = await Task.WhenAll(saves);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var kept = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).JsonAsync();
        var stored = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == client.Id));
        Assert.Equal(kept["phone"]!.GetValue<string>(), stored.Phone);
        var refused = await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).JsonAsync();
        Assert.Equal(409, refused["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("appointment")]
    [InlineData("client")]
    [InlineData("workspace")]
    [InlineData("notification-settings")]
    public async Task A_write_with_an_older_etag_is_refused_with_412_and_changes_nothing(string what)
    {
        var (_, client, appointment, api) = await PracticeAsync();
        var (url, first, second) = what switch
        {
            "appointment" => ($"/api/v1/appointments/{appointment.Id}", (object)new { notes = "First" }, (object)new { notes = "Second" }),
            "client" => ($"/api/v1/clients/{client.Id}", new { phone = "050-1111111" }, new { phone = "050-2222222" }),
            "workspace" => ("/api/v1/workspace", new { name = "First name" }, new { name = "Second name" }),
            _ => ("/api/v1/users/me/notification-settings", new { reminder_minutes = 30 }, new { reminder_minutes = 120 }),
        };
        var read = await api.GetAsync(url);
        var etag = read.Headers.ETag;
        Assert.NotNull(etag);

        var matching = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent(first) };
        matching.Headers.IfMatch.Add(etag);
        var saved = await api.SendAsync(matching);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotEqual(etag, saved.Headers.ETag);
        var afterFirst = await (await api.GetAsync(url)).Content.ReadAsStringAsync();

        var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent(second) };
        stale.Headers.IfMatch.Add(etag);
        var refused = await api.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(saved.Headers.ETag, refused.Headers.ETag); // the current version, to fetch and retry with
        Assert.Equal(afterFirst, await (await api.GetAsync(url)).Content.ReadAsStringAsync());

        var garbled = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent(second) };
        garbled.Headers.TryAddWithoutValidation("If-Match", "\"not-a-version\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(garbled)).StatusCode);
    }

    [Fact]
    public async Task Deleting_or_cancelling_an_appointment_with_an_older_etag_is_refused()
    {
        var (_, _, appointment, api) = await PracticeAsync();
        var url = $"/api/v1/appointments/{appointment.Id}";
        var etag = (await api.GetAsync(url)).Headers.ETag!;
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync(url, new { notes = "Moved rooms" })).StatusCode);

        var cancel = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent(new { status = "cancelled" }) };
        cancel.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(cancel)).StatusCode);
        var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await api.SendAsync(delete)).StatusCode);
        var stored = await StoredAsync(appointment.Id);
        Assert.Equal((AppointmentStatus.Scheduled, false), (stored.Status, stored.IsDeleted));
    }

    [Fact]
    public async Task The_client_form_saved_over_a_newer_version_shows_the_newer_one_and_saves_nothing()
    {
        var (_, client, _, api) = await PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/clients/{client.Id}/edit");

        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { last_name = "Levi" })).StatusCode);
        var response = await browser.SubmitAsync(form, "main form", new Dictionary<string, string> { ["Input.Phone"] = "050-3333333" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.NotNull(page.QuerySelector("[data-testid=changed-elsewhere]"));
        Assert.Equal("Levi", page.QuerySelector("input[name='Input.LastName']")?.GetAttribute("value"));
        var stored = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == client.Id));
        Assert.Equal(("Levi", (string?)null), (stored.LastName, stored.Phone));

        // The form now carries the newer version: saving it again works.
        var saved = await browser.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Phone"] = "050-3333333" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("050-3333333", (await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == client.Id))).Phone);
    }

    [Fact]
    public async Task The_appointment_dialog_saved_over_a_newer_version_shows_the_newer_time_and_saves_nothing()
    {
        var (_, _, appointment, api) = await PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/appointments/{appointment.Id}");
        var moved = appointment.ScheduledStart.AddHours(3);
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/appointments/{appointment.Id}",
            new { scheduled_start = moved, scheduled_end = moved.AddHours(1) })).StatusCode);

        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string> { ["notes"] = "Bring the towels" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.NotNull(page.QuerySelector("[data-testid=changed-elsewhere]"));
        var local = TimeZoneInfo.ConvertTime(moved, TimeZones.Find("Asia/Jerusalem"));
        Assert.Equal(local.ToString("HH:mm"), page.QuerySelector("#appointment-start")?.GetAttribute("value"));
        var stored = await StoredAsync(appointment.Id);
        Assert.Equal((moved, (string?)null), (stored.ScheduledStart, stored.Notes));
    }

    [Fact]
    public async Task The_practice_settings_saved_over_a_newer_version_show_the_newer_ones()
    {
        var (_, _, _, api) = await PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/workspace");
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync("/api/v1/workspace", new { name = "Renamed Elsewhere" })).StatusCode);

        var response = await browser.SubmitAsync(form, "main form", new Dictionary<string, string> { ["Input.Name"] = "My Practice" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.NotNull(page.QuerySelector("[data-testid=changed-elsewhere]"));
        Assert.Equal("Renamed Elsewhere", page.QuerySelector("input[name='Input.Name']")?.GetAttribute("value"));
        Assert.Equal("Renamed Elsewhere", await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().Select(w => w.Name).SingleAsync()));
    }

    private static StringContent JsonContent(object body) => ApiClients.Raw(System.Text.Json.JsonSerializer.Serialize(body));
}
