using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class ClientsApiTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, HttpClient Api)> PracticeWithApiAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        return (practice, await App.ApiClientAsync("dana@example.com"));
    }

    private static string[] ErrorFields(JsonNode problem) =>
        problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();

    [Fact]
    public async Task A_client_is_created_with_every_field_and_a_location_header()
    {
        var (practice, api) = await PracticeWithApiAsync();

        var response = await api.PostJsonAsync("/api/v1/clients", new
        {
            first_name = " Noa ", last_name = "Cohen", email = "noa@example.com", phone = "050-1234567", date_of_birth = "1990-04-02",
            address = "Herzl 1", medical_history = "Asthma", emergency_contact_name = "Avi", emergency_contact_phone = "050-7654321",
            notes = "Mornings", tags = new[] { "sports", "Sports", "knee" }, consent_to_store_data = true, hide_name_outside_pazpaz = true,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        var id = json["id"]!.GetValue<Guid>();
        Assert.Equal($"/api/v1/clients/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(practice.Workspace.Id, json["workspace_id"]!.GetValue<Guid>());
        Assert.Equal("Noa", json["first_name"]!.GetValue<string>());
        Assert.Equal("Noa Cohen", json["full_name"]!.GetValue<string>());
        Assert.Equal("1990-04-02", json["date_of_birth"]!.GetValue<string>());
        Assert.Equal(["sports", "knee"], json["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(json["consent_to_store_data"]!.GetValue<bool>());
        Assert.True(json["hide_name_outside_pazpaz"]!.GetValue<bool>());
        Assert.True(json["is_active"]!.GetValue<bool>());
        foreach (var field in new[] { "phone", "address", "medical_history", "emergency_contact_name", "emergency_contact_phone", "notes", "created_at", "updated_at" })
            Assert.NotNull(json[field]);
        var stored = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((id, "Asthma", "Herzl 1"), (stored.Id, stored.MedicalHistory, stored.Address));
    }

    [Theory]
    [InlineData("""{"last_name":"Cohen"}""", "first_name")]
    [InlineData("""{"first_name":null,"last_name":"Cohen"}""", "first_name")]
    [InlineData("""{"first_name":"  ","last_name":"Cohen"}""", "first_name")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","email":"not-an-address"}""", "email")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","date_of_birth":"02/04/1990"}""", "date_of_birth")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","date_of_birth":"2999-01-01"}""", "date_of_birth")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","phone":"012345678901234567890123456789012345678901234567890"}""", "phone")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","tags":"sports"}""", "tags")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","consent_to_store_data":"yes"}""", "consent_to_store_data")]
    public async Task An_invalid_client_is_refused_with_422_naming_the_field(string body, string field)
    {
        var (_, api) = await PracticeWithApiAsync();

        var response = await api.PostAsync("/api/v1/clients", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_body_that_is_not_a_json_object_is_422()
    {
        var (_, api) = await PracticeWithApiAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsync("/api/v1/clients", ApiClients.Raw("[1,2]"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsync("/api/v1/clients", ApiClients.Raw("{oops"))).StatusCode);
    }

    [Fact]
    public async Task The_list_is_sorted_searchable_paged_and_hides_archived_clients_unless_asked()
    {
        var (practice, api) = await PracticeWithApiAsync();
        await App.WithDbAsync(async db =>
        {
            db.Add(Client.Create(practice.Workspace.Id, "noa", "cohen"));
            db.Add(Client.Create(practice.Workspace.Id, "Avi", "Cohen"));
            var dan = Client.Create(practice.Workspace.Id, "Dan", "Abadi");
            dan.UpdateContact("dan@lake.example", null, null);
            db.Add(dan);
            var old = Client.Create(practice.Workspace.Id, "Old", "Archived");
            old.Archive();
            db.Add(old);
            await db.SaveChangesAsync();
        });

        var all = await (await api.GetAsync("/api/v1/clients")).JsonAsync();
        Assert.Equal(["Dan Abadi", "Avi Cohen", "noa cohen"], all["items"]!.AsArray().Select(c => c!["full_name"]!.GetValue<string>()));
        Assert.Equal((3, 1, 50, 1), (all["total"]!.GetValue<int>(), all["page"]!.GetValue<int>(), all["page_size"]!.GetValue<int>(), all["total_pages"]!.GetValue<int>()));

        var second = await (await api.GetAsync("/api/v1/clients?page=2&page_size=2")).JsonAsync();
        Assert.Equal(["noa cohen"], second["items"]!.AsArray().Select(c => c!["full_name"]!.GetValue<string>()));
        Assert.Equal((3, 2, 2, 2), (second["total"]!.GetValue<int>(), second["page"]!.GetValue<int>(), second["page_size"]!.GetValue<int>(), second["total_pages"]!.GetValue<int>()));

        var found = await (await api.GetAsync("/api/v1/clients?q=LAKE")).JsonAsync();
        Assert.Equal(["Dan Abadi"], found["items"]!.AsArray().Select(c => c!["full_name"]!.GetValue<string>()));

        var withArchived = await (await api.GetAsync("/api/v1/clients?include_inactive=true")).JsonAsync();
        Assert.Equal(4, withArchived["total"]!.GetValue<int>());
        Assert.False(withArchived["items"]!.AsArray()[1]!["is_active"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page=0", "page")]
    [InlineData("page=two", "page")]
    [InlineData("include_inactive=maybe", "include_inactive")]
    public async Task Bad_list_parameters_are_422_naming_the_parameter(string query, string field)
    {
        var (_, api) = await PracticeWithApiAsync();

        var response = await api.GetAsync($"/api/v1/clients?{query}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
    }

    [Fact]
    public async Task Reading_clients_through_the_api_is_audited()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var dan = await App.ClientAsync(practice.Workspace.Id, "Dan", "Levi");

        var one = await api.GetAsync($"/api/v1/clients/{noa.Id}");
        Assert.Equal("Noa", (await one.JsonAsync())["first_name"]!.GetValue<string>());
        await api.GetAsync("/api/v1/clients");

        var reads = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.Action == AuditAction.Read && a.UserId == practice.Owner.Id).ToListAsync());
        Assert.Equal(2, reads.Count);
        Assert.Equal(noa.Id, Assert.Single(reads, r => r.ResourceId is not null).ResourceId);
        // The list is one event naming every client on the page, not one per row (§12).
        var list = Assert.Single(reads, r => r.ResourceId is null);
        var named = JsonNode.Parse(list.Metadata!)!["ids"]!.AsArray().Select(n => n!.GetValue<Guid>()).Order();
        Assert.Equal(new[] { noa.Id, dan.Id }.Order(), named);
    }

    [Fact]
    public async Task A_partial_update_changes_only_the_fields_sent()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        await App.WithDbAsync(async db =>
        {
            var c = await db.Clients.IgnoreQueryFilters().SingleAsync();
            c.UpdateContact("noa@example.com", "050-1234567", "Herzl 1");
            c.SetTags(["sports"]);
            await db.SaveChangesAsync();
        });

        var response = await api.PutAsync($"/api/v1/clients/{client.Id}", ApiClients.Raw("""{"last_name":"Levi","phone":null,"consent_to_store_data":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("Noa Levi", json["full_name"]!.GetValue<string>());
        var stored = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Noa", "Levi", "noa@example.com", (string?)null, "Herzl 1", true), (stored.FirstName, stored.LastName, stored.Email, stored.Phone, stored.Address, stored.ConsentToStoreData));
        Assert.Equal(["sports"], stored.Tags);
    }

    [Theory]
    [InlineData("""{"first_name":null}""", "first_name")]
    [InlineData("""{"last_name":""}""", "last_name")]
    [InlineData("""{"email":"noa@"}""", "email")]
    [InlineData("""{"hide_name_outside_pazpaz":null}""", "hide_name_outside_pazpaz")]
    [InlineData("""{"is_active":"no"}""", "is_active")]
    public async Task An_invalid_update_is_422_and_changes_nothing(string body, string field)
    {
        var (practice, api) = await PracticeWithApiAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");

        var response = await api.PutAsync($"/api/v1/clients/{client.Id}", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
        var stored = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Noa", "Cohen", (string?)null, true), (stored.FirstName, stored.LastName, stored.Email, stored.IsActive));
    }

    [Fact]
    public async Task Delete_archives_the_client_and_restore_brings_them_back()
    {
        var (practice, api) = await PracticeWithApiAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");

        var deleted = await api.DeleteAsync($"/api/v1/clients/{client.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).IsActive);
        Assert.Equal(0, (await (await api.GetAsync("/api/v1/clients")).JsonAsync())["total"]!.GetValue<int>());
        Assert.False((await (await api.GetAsync($"/api/v1/clients/{client.Id}")).JsonAsync())["is_active"]!.GetValue<bool>());

        var restored = await api.PostAsync($"/api/v1/clients/{client.Id}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.True((await restored.JsonAsync())["is_active"]!.GetValue<bool>());
        Assert.True((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).IsActive);
    }

    [Fact]
    public async Task An_unknown_client_is_404()
    {
        var (_, api) = await PracticeWithApiAsync();
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/clients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutJsonAsync($"/api/v1/clients/{id}", new { first_name = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/v1/clients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/clients/{id}/restore", null)).StatusCode);
    }

    [Fact]
    public async Task Another_workspaces_client_is_404_on_every_endpoint_and_stays_unchanged()
    {
        var (_, api) = await PracticeWithApiAsync();
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var client = await App.ClientAsync(theirs.Workspace.Id, "Secret", "Person");
        var archived = await App.ClientAsync(theirs.Workspace.Id, "Archived", "Person");
        await App.WithDbAsync(async db =>
        {
            (await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == archived.Id)).Archive();
            await db.SaveChangesAsync();
        });

        var get = await api.GetAsync($"/api/v1/clients/{client.Id}");
        var put = await api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { first_name = "Hacked" });
        var delete = await api.DeleteAsync($"/api/v1/clients/{client.Id}");
        var restore = await api.PostAsync($"/api/v1/clients/{archived.Id}/restore", null);
        var list = await (await api.GetAsync("/api/v1/clients?include_inactive=true&q=person")).JsonAsync();

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            [get.StatusCode, put.StatusCode, delete.StatusCode, restore.StatusCode]);
        Assert.DoesNotContain("Secret", await get.Content.ReadAsStringAsync());
        Assert.Equal(0, list["total"]!.GetValue<int>());
        var stored = (await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().Where(c => c.WorkspaceId == theirs.Workspace.Id).ToListAsync()))
            .OrderBy(c => c.FirstName, StringComparer.Ordinal).ToList(); // names are encrypted: sorted in memory
        Assert.Equal([("Archived", false), ("Secret", true)], stored.Select(c => (c.FirstName, c.IsActive)));
    }

    [Fact]
    public async Task A_browser_session_must_send_the_antiforgery_header_to_write()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }
}
