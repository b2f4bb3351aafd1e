using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class WorkspaceApiTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task A_personal_token_reads_the_callers_workspace()
    {
        var practice = await App.PracticeAsync("Sea Breeze Massage", "dana@example.com", "Asia/Jerusalem");
        await App.PracticeAsync("Someone else", "other@example.com");
        var token = await App.ApiTokenAsync("dana@example.com");

        var response = await App.WithBearer(token).GetAsync("/api/v1/workspace");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(practice.Workspace.Id, json.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("Sea Breeze Massage", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("Asia/Jerusalem", json.RootElement.GetProperty("timezone").GetString());
    }

    [Fact]
    public async Task A_wrong_or_missing_token_gets_401_not_a_redirect()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var token = await App.ApiTokenAsync("dana@example.com");

        var wrong = await App.WithBearer(token + "x").GetAsync("/api/v1/workspace");
        var missing = await App.Browser().GetAsync("/api/v1/workspace");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Null(missing.Headers.Location);
    }

    [Fact]
    public async Task A_token_of_a_suspended_workspace_stops_working()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var token = await App.ApiTokenAsync("dana@example.com");
        await App.WithDbAsync(async db =>
        {
            var workspace = await db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Id == practice.Workspace.Id);
            workspace.Suspend();
            await db.SaveChangesAsync();
        });

        var response = await App.WithBearer(token).GetAsync("/api/v1/workspace");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_browser_session_reads_the_api_too()
    {
        await App.PracticeAsync("Sea Breeze Massage", "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var json = await browser.GetStringAsync("/api/v1/workspace");
        Assert.Contains("\"name\":\"Sea Breeze Massage\"", json);
    }

    [Fact]
    public async Task The_token_is_stored_only_as_a_hash()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var token = await App.ApiTokenAsync("dana@example.com");

        var stored = await App.WithDbAsync(db => db.ApiTokens.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(PazPaz.Security.Tokens.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var json = await App.Browser().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/workspace", json);
        using var document = JsonDocument.Parse(json);
        var paths = document.RootElement.GetProperty("paths");
        foreach (var (path, method, operationId) in new[]
        {
            ("/api/v1/workspace", "put", "UpdateWorkspace"),
            ("/api/v1/clients", "get", "ListClients"), ("/api/v1/clients/{id}", "put", "UpdateClient"),
            ("/api/v1/clients/{id}/restore", "post", "RestoreClient"),
            ("/api/v1/services", "post", "CreateService"), ("/api/v1/services/{id}", "delete", "DeleteService"),
            ("/api/v1/locations", "get", "ListLocations"), ("/api/v1/locations/{id}", "delete", "DeleteLocation"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has no summary");
        }
    }

    [Fact]
    public async Task The_owner_changes_the_time_zone_and_the_name_stays()
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var api = App.WithBearer(await App.ApiTokenAsync("dana@example.com"));

        var response = await api.PutJsonAsync("/api/v1/workspace", new { timezone = "Asia/Jerusalem" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(("Sea Breeze", "Asia/Jerusalem"), (json["name"]!.GetValue<string>(), json["timezone"]!.GetValue<string>()));
        var stored = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze", "Asia/Jerusalem"), (stored.Name, stored.TimeZone));

        var renamed = await api.PutJsonAsync("/api/v1/workspace", new { name = "Sea Breeze Physio" });
        Assert.Equal("Asia/Jerusalem", (await renamed.JsonAsync())["timezone"]!.GetValue<string>());
        Assert.Equal("Sea Breeze Physio", (await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync())).Name);
    }

    [Theory]
    [InlineData("""{"timezone":"Mars/Olympus"}""", "timezone")]
    [InlineData("""{"timezone":"GMT Standard Time"}""", "timezone")]
    [InlineData("""{"timezone":null}""", "timezone")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"name":42}""", "name")]
    public async Task An_invalid_zone_or_name_is_422_and_changes_nothing(string body, string field)
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var api = App.WithBearer(await App.ApiTokenAsync("dana@example.com"));

        var response = await api.PutAsync("/api/v1/workspace", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key));
        var stored = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze", "Europe/London"), (stored.Name, stored.TimeZone));
    }

    [Fact]
    public async Task An_assistant_may_read_but_not_change_the_workspace()
    {
        var practice = await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        await App.WithDbAsync(async db =>
        {
            db.Add(User.Create(practice.Workspace.Id, "ari@example.com", "Ari", UserRole.Assistant, App.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var api = App.WithBearer(await App.ApiTokenAsync("ari@example.com"));

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/workspace")).StatusCode);
        var response = await api.PutJsonAsync("/api/v1/workspace", new { name = "Ari's practice", timezone = "Asia/Tokyo" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("owner", (await response.JsonAsync())["detail"]!.GetValue<string>());
        var stored = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze", "Europe/London"), (stored.Name, stored.TimeZone));
    }

    [Fact]
    public async Task Changing_the_workspace_touches_only_the_callers_own()
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com", "Asia/Tokyo");
        var api = App.WithBearer(await App.ApiTokenAsync("dana@example.com"));

        await api.PutJsonAsync("/api/v1/workspace", new { name = "Renamed", timezone = "Asia/Jerusalem" });

        var other = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Id == theirs.Workspace.Id));
        Assert.Equal(("Theirs", "Asia/Tokyo"), (other.Name, other.TimeZone));
    }
}
