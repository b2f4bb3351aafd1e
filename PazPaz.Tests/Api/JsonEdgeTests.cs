using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Api;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

/// <summary>
/// Every API endpoint that takes a JSON body: 415 for another content type, 413 past 1 MiB (before reading it whole), 422
/// naming an unknown field. <see cref="JsonEndpoints"/> is checked against the app's own routes, so a new endpoint is caught.
/// </summary>
public sealed class JsonEdgeTests(PazPazApp app) : AppTest(app)
{
    /// <summary>Each JSON endpoint, with route values filled in (the edge answers before the handler looks anything up).</summary>
    public static readonly TheoryData<string, string> JsonEndpoints = new()
    {
        { "POST", "/api/v1/appointments" },
        { "POST", "/api/v1/appointment-series" },
        { "PUT", "/api/v1/appointments/{id}" },
        { "DELETE", "/api/v1/appointments/{id}" },
        { "POST", "/api/v1/clients" },
        { "PUT", "/api/v1/clients/{id}" },
        { "POST", "/api/v1/services" },
        { "PUT", "/api/v1/services/{id}" },
        { "POST", "/api/v1/locations" },
        { "PUT", "/api/v1/locations/{id}" },
        { "POST", "/api/v1/session-notes" },
        { "PUT", "/api/v1/session-notes/{id}" },
        { "POST", "/api/v1/session-notes/{id}/finalize" },
        { "DELETE", "/api/v1/session-notes/{id}" },
        { "PATCH", "/api/v1/clients/{parentId}/attachments/{id}" },
        { "PATCH", "/api/v1/session-notes/{parentId}/attachments/{id}" },
        { "PUT", "/api/v1/users/me/notification-settings" },
        { "PUT", "/api/v1/workspace" },
        { "POST", "/api/v1/calendar-feeds" },
        { "PUT", "/api/v1/calendar-feeds/{id}" },
        { "PATCH", "/api/v1/calendar-feeds/{id}" },
    };

    /// <summary>Writes that take no JSON body: uploads (multipart, with their own limits) and verbs without a body.</summary>
    private static readonly string[] WritesWithoutJson =
    [
        "POST /api/v1/clients/{parentId}/attachments", "POST /api/v1/session-notes/{parentId}/attachments",
        "POST /api/v1/clients/{parentId}/attachments/{id}/restore", "POST /api/v1/session-notes/{parentId}/attachments/{id}/restore",
        "DELETE /api/v1/clients/{parentId}/attachments/{id}", "DELETE /api/v1/session-notes/{parentId}/attachments/{id}",
        "POST /api/v1/clients/{id}/restore", "DELETE /api/v1/clients/{id}",
        "POST /api/v1/services/{id}/restore", "DELETE /api/v1/services/{id}",
        "POST /api/v1/locations/{id}/restore", "DELETE /api/v1/locations/{id}",
        "POST /api/v1/session-notes/{id}/restore",
        "POST /api/v1/calendar-feeds/{id}/rotate", "DELETE /api/v1/calendar-feeds/{id}",
    ];

    [Fact]
    public void Every_api_write_is_either_listed_here_as_a_json_endpoint_or_known_to_take_no_json()
    {
        var writes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1") == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Endpoint: e)))
            .Where(w => w.Method is "POST" or "PUT" or "PATCH" or "DELETE")
            .Select(w => (Key: $"{w.Method} {Template(w.Endpoint.RoutePattern.RawText!)}", Json: w.Endpoint.Metadata.GetMetadata<JsonBody>() is not null))
            .ToList();

        var declaredJson = JsonEndpoints.Select(row => $"{row[0]} {row[1]}").Order().ToArray();
        Assert.Equal(declaredJson, writes.Where(w => w.Json).Select(w => w.Key).Order().ToArray());
        Assert.Equal(WritesWithoutJson.Order().ToArray(), writes.Where(w => !w.Json).Select(w => w.Key).Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_body_that_is_not_application_json_is_a_415_problem(string method, string template)
    {
        var api = await ApiAsync();

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16" })
        {
            var response = await api.SendAsync(Request(method, template, new StringContent("""{"name":"x"}""", Encoding.UTF8)
            {
                Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType) },
            }));

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_json_body_over_1_MiB_is_a_413_problem(string method, string template)
    {
        var api = await ApiAsync();

        var response = await api.SendAsync(Request(method, template, ApiClients.Raw(JsonOfSize(JsonEdge.MaxBytes + 1))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task An_unknown_field_is_a_422_naming_it(string method, string template)
    {
        var api = await ApiAsync();

        var response = await api.SendAsync(Request(method, template, ApiClients.Raw("""{"scheduled_strat":"2026-03-10T09:00:00Z"}""")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!.AsObject();
        Assert.Equal(["scheduled_strat"], errors.Select(e => e.Key));
        Assert.StartsWith("Unknown field.", errors["scheduled_strat"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_sent_as_text_plain_is_refused_and_not_stored()
    {
        var api = await ApiAsync();

        var response = await api.PostAsync("/api/v1/clients", new StringContent("""{"first_name":"Noa","last_name":"Cohen"}""", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task An_appointment_with_a_misspelt_field_is_refused_naming_it_and_lists_the_known_fields()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id);
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PostAsync("/api/v1/appointments", ApiClients.Raw($$"""
            {"client_id":"{{client.Id}}","scheduled_strat":"2026-05-01T09:00:00Z","scheduled_start":"2026-05-01T09:00:00Z","scheduled_end":"2026-05-01T10:00:00Z"}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var message = (await response.JsonAsync())["errors"]!["scheduled_strat"]![0]!.GetValue<string>();
        Assert.Contains("scheduled_start", message);
        Assert.Equal(0, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_body_of_exactly_1_MiB_is_read_and_judged_on_its_fields()
    {
        var api = await ApiAsync();

        var response = await api.PostAsync("/api/v1/clients", ApiClients.Raw(JsonOfSize(JsonEdge.MaxBytes)));

        // Read whole: the notes are too long for a client, which the handler says by name.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("notes", (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_chunked_body_is_cut_off_at_the_limit_and_not_read_whole()
    {
        var api = await ApiAsync();
        var body = new EndlessJson(21 * 1024 * 1024);
        var content = new StreamContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await api.PostAsync("/api/v1/clients", content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(body.Produced < 4 * 1024 * 1024, $"{body.Produced:N0} bytes were read");
    }

    [Fact]
    public async Task A_json_body_with_a_utf8_charset_and_an_optional_empty_body_are_accepted()
    {
        var api = await ApiAsync();

        var created = await api.PostAsync("/api/v1/clients", new StringContent("""{"first_name":"Noa","last_name":"Cohen"}""", Encoding.UTF8, "application/json"));
        var feed = await api.PostAsync("/api/v1/calendar-feeds", null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("utf-8", created.RequestMessage!.Content!.Headers.ContentType!.CharSet);
        Assert.Equal(HttpStatusCode.Created, feed.StatusCode);
    }

    private async Task<HttpClient> ApiAsync()
    {
        await App.PracticeAsync(email: "dana@example.com");
        return await App.ApiClientAsync("dana@example.com");
    }

    private static HttpRequestMessage Request(string method, string template, HttpContent content) =>
        new(new HttpMethod(method), template.Replace("{parentId}", Guid.NewGuid().ToString()).Replace("{id}", Guid.NewGuid().ToString()))
        {
            Content = content,
        };

    /// <summary>A JSON object of exactly <paramref name="bytes"/> bytes: {"first_name":"N","last_name":"C","notes":"aaa…"}.</summary>
    private static string JsonOfSize(int bytes)
    {
        const string head = """{"first_name":"N","last_name":"C","notes":" """;
        var prefix = head.TrimEnd();
        return prefix + new string('a', bytes - prefix.Length - 2) + "\"}";
    }

    /// <summary>Route templates as the theory writes them: constraints dropped ("{id:guid}" → "{id}"), no trailing slash.</summary>
    private static string Template(string raw) =>
        System.Text.RegularExpressions.Regex.Replace(raw, @"\{(\w+):[^}]+\}", "{$1}").TrimEnd('/');

    /// <summary>A JSON body of <paramref name="length"/> bytes produced on demand, counting what was read.</summary>
    private sealed class EndlessJson(long length) : Stream
    {
        private static readonly byte[] Head = """{"first_name":"N","last_name":"C","notes":" """u8.ToArray()[..^1];
        public long Produced { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Produced);
            for (var i = 0; i < n; i++)
                buffer[offset + i] = Produced + i < Head.Length ? Head[Produced + i] : (byte)'a';
            Produced += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
