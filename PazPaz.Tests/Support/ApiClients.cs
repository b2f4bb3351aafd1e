using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PazPaz.Admin;

namespace PazPaz.Tests.Support;

/// <summary>HTTP clients for the JSON API, authenticated with a personal token as an integration would be.</summary>
public static class ApiClients
{
    /// <summary>A personal API token, issued the way an operator does (admin create-api-token).</summary>
    public static async Task<string> ApiTokenAsync(this PazPazApp app, string email)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(app.Services, ["create-api-token", "--email", email, "--name", "Tests"], output, error);
        Assert.True(code == 0, error.ToString());
        return output.ToString().Trim();
    }

    public static async Task<HttpClient> ApiClientAsync(this PazPazApp app, string email) => app.WithBearer(await app.ApiTokenAsync(email));

    public static HttpClient WithBearer(this PazPazApp app, string token)
    {
        var client = app.Browser();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsync(url, JsonContent(body));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsync(url, JsonContent(body));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty JSON body.");

    /// <summary>Raw JSON text so tests can send explicit nulls and odd values exactly as written.</summary>
    public static StringContent Raw(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static JsonContent JsonContent(object body) =>
        System.Net.Http.Json.JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
}
