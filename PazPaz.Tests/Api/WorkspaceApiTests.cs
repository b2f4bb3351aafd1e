using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class WorkspaceApiTests(PazPazApp app) : AppTest(app)
{
    private async Task<string> CreateTokenAsync(string email)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(App.Services, ["create-api-token", "--email", email, "--name", "Zapier"], output, error);
        Assert.True(code == 0, error.ToString());
        return output.ToString().Trim();
    }

    private HttpClient WithBearer(string token)
    {
        var client = App.Browser();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_personal_token_reads_the_callers_workspace()
    {
        var practice = await App.PracticeAsync("Sea Breeze Massage", "dana@example.com", "Asia/Jerusalem");
        await App.PracticeAsync("Someone else", "other@example.com");
        var token = await CreateTokenAsync("dana@example.com");

        var response = await WithBearer(token).GetAsync("/api/v1/workspace");

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
        var token = await CreateTokenAsync("dana@example.com");

        var wrong = await WithBearer(token + "x").GetAsync("/api/v1/workspace");
        var missing = await App.Browser().GetAsync("/api/v1/workspace");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Null(missing.Headers.Location);
    }

    [Fact]
    public async Task A_token_of_a_suspended_workspace_stops_working()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var token = await CreateTokenAsync("dana@example.com");
        await App.WithDbAsync(async db =>
        {
            var workspace = await db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Id == practice.Workspace.Id);
            workspace.Suspend();
            await db.SaveChangesAsync();
        });

        var response = await WithBearer(token).GetAsync("/api/v1/workspace");
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
        var token = await CreateTokenAsync("dana@example.com");

        var stored = await App.WithDbAsync(db => db.ApiTokens.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(PazPaz.Security.Tokens.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var json = await App.Browser().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/workspace", json);
    }
}
