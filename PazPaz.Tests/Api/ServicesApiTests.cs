using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class ServicesApiTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, HttpClient Api)> PracticeWithApiAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        return (practice, await App.ApiClientAsync("dana@example.com"));
    }

    private Task<Service> SeedAsync(Guid workspaceId, string name, int minutes = 60, bool archived = false) => App.WithDbAsync(async db =>
    {
        var service = Service.Create(workspaceId, name, minutes);
        if (archived) service.Archive();
        db.Add(service);
        await db.SaveChangesAsync();
        return service;
    });

    private static string[] ErrorFields(JsonNode problem) => problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();

    [Fact]
    public async Task A_service_is_created_read_and_listed_by_name()
    {
        var (_, api) = await PracticeWithApiAsync();

        var created = await api.PostJsonAsync("/api/v1/services", new { name = "Sports massage", default_duration_minutes = 45, description = "Legs and back" });
        await api.PostJsonAsync("/api/v1/services", new { name = "assessment", default_duration_minutes = 90 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.JsonAsync();
        var id = json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/v1/services/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("Sports massage", "Legs and back", 45, true), (json["name"]!.GetValue<string>(), json["description"]!.GetValue<string>(),
            json["default_duration_minutes"]!.GetValue<int>(), json["is_active"]!.GetValue<bool>()));
        Assert.NotNull(json["created_at"]);
        Assert.NotNull(json["updated_at"]);

        var one = await (await api.GetAsync($"/api/v1/services/{id}")).JsonAsync();
        Assert.Equal("Sports massage", one["name"]!.GetValue<string>());
        var list = await (await api.GetAsync("/api/v1/services")).JsonAsync();
        Assert.Equal(["assessment", "Sports massage"], list["items"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{"default_duration_minutes":60}""", "name")]
    [InlineData("""{"name":null,"default_duration_minutes":60}""", "name")]
    [InlineData("""{"name":"Massage"}""", "default_duration_minutes")]
    [InlineData("""{"name":"Massage","default_duration_minutes":0}""", "default_duration_minutes")]
    [InlineData("""{"name":"Massage","default_duration_minutes":1441}""", "default_duration_minutes")]
    [InlineData("""{"name":"Massage","default_duration_minutes":"60"}""", "default_duration_minutes")]
    [InlineData("""{"name":"Massage","default_duration_minutes":null}""", "default_duration_minutes")]
    public async Task An_invalid_service_is_422_naming_the_field(string body, string field)
    {
        var (_, api) = await PracticeWithApiAsync();

        var response = await api.PostAsync("/api/v1/services", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_duplicate_name_is_409_whatever_its_case_on_create_and_update()
    {
        var (practice, api) = await PracticeWithApiAsync();
        await SeedAsync(practice.Workspace.Id, "Sports massage");
        var other = await SeedAsync(practice.Workspace.Id, "Cupping");

        var create = await api.PostJsonAsync("/api/v1/services", new { name = " SPORTS MASSAGE ", default_duration_minutes = 30 });
        var update = await api.PutJsonAsync($"/api/v1/services/{other.Id}", new { name = "sports massage" });

        Assert.Equal(HttpStatusCode.Conflict, create.StatusCode);
        Assert.Equal("A service with this name already exists.", (await create.JsonAsync())["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);
        Assert.Equal(["Cupping", "Sports massage"], await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync()));
    }

    [Fact]
    public async Task The_same_name_in_another_workspace_is_fine()
    {
        var (_, api) = await PracticeWithApiAsync();
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        await SeedAsync(theirs.Workspace.Id, "Sports massage");

        var response = await api.PostJsonAsync("/api/v1/services", new { name = "Sports massage", default_duration_minutes = 30 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_partial_update_changes_only_the_fields_sent_and_can_archive()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var service = await App.WithDbAsync(async db =>
        {
            var s = Service.Create(practice.Workspace.Id, "Massage", 60, "Full body");
            db.Add(s);
            await db.SaveChangesAsync();
            return s;
        });

        var renamed = await api.PutJsonAsync($"/api/v1/services/{service.Id}", new { default_duration_minutes = 50 });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Massage", 50, "Full body", true), (stored.Name, stored.DefaultDurationMinutes, stored.Description, stored.IsActive));

        var cleared = await api.PutAsync($"/api/v1/services/{service.Id}", ApiClients.Raw("""{"description":null,"is_active":false}"""));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(((string?)null, false), (stored.Description, stored.IsActive));
        Assert.Empty((await (await api.GetAsync("/api/v1/services")).JsonAsync())["items"]!.AsArray());
        Assert.Single((await (await api.GetAsync("/api/v1/services?include_inactive=true")).JsonAsync())["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"default_duration_minutes":null}""", "default_duration_minutes")]
    [InlineData("""{"default_duration_minutes":-5}""", "default_duration_minutes")]
    public async Task An_invalid_update_is_422_and_changes_nothing(string body, string field)
    {
        var (practice, api) = await PracticeWithApiAsync();
        var service = await SeedAsync(practice.Workspace.Id, "Massage");

        var response = await api.PutAsync($"/api/v1/services/{service.Id}", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Massage", 60), (stored.Name, stored.DefaultDurationMinutes));
    }

    [Fact]
    public async Task Deleting_an_unused_service_removes_it_with_204()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var service = await SeedAsync(practice.Workspace.Id, "Massage");

        var response = await api.DeleteAsync($"/api/v1/services/{service.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/services/{service.Id}")).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deleting_a_service_appointments_use_archives_it_with_200(bool appointmentDeleted)
    {
        var (practice, api) = await PracticeWithApiAsync();
        var service = await SeedAsync(practice.Workspace.Id, "Massage");
        await App.WithDbAsync(async db =>
        {
            var client = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
            var start = App.Clock.GetUtcNow().AddDays(-1);
            var appointment = Appointment.Create(practice.Workspace.Id, client.Id, start, start.AddHours(1), LocationType.Clinic, service.Id);
            if (appointmentDeleted) appointment.Delete(App.Clock.GetUtcNow());
            db.AddRange(client, appointment);
            await db.SaveChangesAsync();
        });

        var response = await api.DeleteAsync($"/api/v1/services/{service.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json["archived"]!.GetValue<bool>());
        Assert.Contains("archived instead of deleted", json["detail"]!.GetValue<string>());
        Assert.False(json["service"]!["is_active"]!.GetValue<bool>());
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.False(stored.IsActive);
        Assert.Equal(service.Id, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().Select(a => a.ServiceId).SingleAsync()));

        var restored = await api.PostAsync($"/api/v1/services/{service.Id}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.True((await restored.JsonAsync())["is_active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Another_workspaces_service_is_404_on_every_endpoint_and_stays_unchanged()
    {
        var (_, api) = await PracticeWithApiAsync();
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var service = await SeedAsync(theirs.Workspace.Id, "Their massage");
        var archived = await SeedAsync(theirs.Workspace.Id, "Their cupping", archived: true);

        var get = await api.GetAsync($"/api/v1/services/{service.Id}");
        var put = await api.PutJsonAsync($"/api/v1/services/{service.Id}", new { name = "Mine now" });
        var delete = await api.DeleteAsync($"/api/v1/services/{service.Id}");
        var restore = await api.PostAsync($"/api/v1/services/{archived.Id}/restore", null);
        var list = await (await api.GetAsync("/api/v1/services?include_inactive=true")).JsonAsync();

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            [get.StatusCode, put.StatusCode, delete.StatusCode, restore.StatusCode]);
        Assert.Empty(list["items"]!.AsArray());
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().OrderBy(s => s.Name).ToListAsync());
        Assert.Equal([("Their cupping", false), ("Their massage", true)], stored.Select(s => (s.Name, s.IsActive)));
    }
}
