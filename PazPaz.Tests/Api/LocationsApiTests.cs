using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class LocationsApiTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, HttpClient Api)> PracticeWithApiAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        return (practice, await App.ApiClientAsync("dana@example.com"));
    }

    private Task<Location> SeedAsync(Guid workspaceId, string name, LocationType type = LocationType.Clinic, bool archived = false) =>
        App.WithDbAsync(async db =>
        {
            var location = Location.Create(workspaceId, name, type, type == LocationType.Online ? null : "Herzl 1, Haifa", "Room 2");
            if (archived) location.Archive();
            db.Add(location);
            await db.SaveChangesAsync();
            return location;
        });

    private static string[] ErrorFields(JsonNode problem) => problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();

    [Fact]
    public async Task A_location_is_created_read_and_listed_by_name()
    {
        var (_, api) = await PracticeWithApiAsync();

        var created = await api.PostJsonAsync("/api/v1/locations", new { name = "Main clinic", location_type = "clinic", address = "Herzl 1", details = "Room 2" });
        await api.PostJsonAsync("/api/v1/locations", new { name = "home visits", location_type = "home", address = "Client's home" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.JsonAsync();
        var id = json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/v1/locations/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("Main clinic", "clinic", "Herzl 1", "Room 2", true), (json["name"]!.GetValue<string>(), json["location_type"]!.GetValue<string>(),
            json["address"]!.GetValue<string>(), json["details"]!.GetValue<string>(), json["is_active"]!.GetValue<bool>()));
        Assert.Equal("Main clinic", (await (await api.GetAsync($"/api/v1/locations/{id}")).JsonAsync())["name"]!.GetValue<string>());
        var list = await (await api.GetAsync("/api/v1/locations")).JsonAsync();
        Assert.Equal(["home visits", "Main clinic"], list["items"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()));
        Assert.Equal("home", list["items"]![0]!["location_type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"location_type":"online"}""", "name")]
    [InlineData("""{"name":"Room"}""", "location_type")]
    [InlineData("""{"name":"Room","location_type":"office"}""", "location_type")]
    [InlineData("""{"name":"Room","location_type":null}""", "location_type")]
    [InlineData("""{"name":"Room","location_type":"clinic"}""", "address")]
    [InlineData("""{"name":"Room","location_type":"home","address":"  "}""", "address")]
    public async Task An_invalid_location_is_422_naming_the_field(string body, string field)
    {
        var (_, api) = await PracticeWithApiAsync();

        var response = await api.PostAsync("/api/v1/locations", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal([field], ErrorFields(problem));
        Assert.Equal(0, await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task An_unknown_type_lists_the_allowed_ones()
    {
        var (_, api) = await PracticeWithApiAsync();

        var problem = await (await api.PostJsonAsync("/api/v1/locations", new { name = "Room", location_type = "office" })).JsonAsync();

        Assert.Equal("Must be one of: clinic, home, online.", problem["errors"]!["location_type"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_online_location_needs_no_address()
    {
        var (_, api) = await PracticeWithApiAsync();

        var response = await api.PostJsonAsync("/api/v1/locations", new { name = "Video call", location_type = "online", details = "https://meet.example/x" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null((await response.JsonAsync())["address"]);
    }

    [Fact]
    public async Task A_duplicate_name_is_409_whatever_its_case_on_create_and_update()
    {
        var (practice, api) = await PracticeWithApiAsync();
        await SeedAsync(practice.Workspace.Id, "Main clinic");
        var other = await SeedAsync(practice.Workspace.Id, "Video", LocationType.Online);

        var create = await api.PostJsonAsync("/api/v1/locations", new { name = "main CLINIC", location_type = "online" });
        var update = await api.PutJsonAsync($"/api/v1/locations/{other.Id}", new { name = "Main Clinic" });

        Assert.Equal(HttpStatusCode.Conflict, create.StatusCode);
        Assert.Equal("A location with this name already exists.", (await create.JsonAsync())["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, update.StatusCode);
        Assert.Equal(["Main clinic", "Video"], await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().OrderBy(l => l.Name).Select(l => l.Name).ToListAsync()));
    }

    [Fact]
    public async Task A_partial_update_keeps_what_is_not_sent_and_checks_the_result()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var location = await SeedAsync(practice.Workspace.Id, "Room", LocationType.Online);

        // Online → clinic without an address: the combined result is refused.
        var refused = await api.PutJsonAsync($"/api/v1/locations/{location.Id}", new { location_type = "clinic" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(["address"], ErrorFields(await refused.JsonAsync()));

        var moved = await api.PutJsonAsync($"/api/v1/locations/{location.Id}", new { location_type = "clinic", address = "Herzl 1" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var stored = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Room", LocationType.Clinic, "Herzl 1", "Room 2"), (stored.Name, stored.LocationType, stored.Address, stored.Details));

        var nullName = await api.PutAsync($"/api/v1/locations/{location.Id}", ApiClients.Raw("""{"name":null}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nullName.StatusCode);
        Assert.Equal(["name"], ErrorFields(await nullName.JsonAsync()));
    }

    [Fact]
    public async Task Delete_removes_an_unused_location_and_archives_a_used_one()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var unused = await SeedAsync(practice.Workspace.Id, "Spare room");
        var used = await SeedAsync(practice.Workspace.Id, "Main clinic");
        await App.WithDbAsync(async db =>
        {
            var client = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
            var start = App.Clock.GetUtcNow().AddDays(2);
            db.AddRange(client, Appointment.Create(practice.Workspace.Id, client.Id, start, start.AddHours(1), LocationType.Clinic, locationId: used.Id));
            await db.SaveChangesAsync();
        });

        var gone = await api.DeleteAsync($"/api/v1/locations/{unused.Id}");
        var kept = await api.DeleteAsync($"/api/v1/locations/{used.Id}");

        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var json = await kept.JsonAsync();
        Assert.True(json["archived"]!.GetValue<bool>());
        Assert.False(json["location"]!["is_active"]!.GetValue<bool>());
        var stored = Assert.Single(await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().ToListAsync()));
        Assert.Equal((used.Id, false), (stored.Id, stored.IsActive));

        var restored = await api.PostAsync($"/api/v1/locations/{used.Id}/restore", null);
        Assert.True((await restored.JsonAsync())["is_active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Another_workspaces_location_is_404_on_every_endpoint_and_stays_unchanged()
    {
        var (_, api) = await PracticeWithApiAsync();
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var location = await SeedAsync(theirs.Workspace.Id, "Their clinic");
        var archived = await SeedAsync(theirs.Workspace.Id, "Their old room", archived: true);

        var get = await api.GetAsync($"/api/v1/locations/{location.Id}");
        var put = await api.PutJsonAsync($"/api/v1/locations/{location.Id}", new { name = "Mine now", location_type = "online" });
        var delete = await api.DeleteAsync($"/api/v1/locations/{location.Id}");
        var restore = await api.PostAsync($"/api/v1/locations/{archived.Id}/restore", null);
        var list = await (await api.GetAsync("/api/v1/locations?include_inactive=true")).JsonAsync();

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            [get.StatusCode, put.StatusCode, delete.StatusCode, restore.StatusCode]);
        Assert.Empty(list["items"]!.AsArray());
        var stored = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().OrderBy(l => l.Name).ToListAsync());
        Assert.Equal([("Their clinic", LocationType.Clinic, true), ("Their old room", LocationType.Clinic, false)],
            stored.Select(l => (l.Name, l.LocationType, l.IsActive)));
    }
}
