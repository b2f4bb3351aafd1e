using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Auth;

/// <summary>
/// The role gate (§12): every page and API route an assistant may not use is listed here with its area, checked against the
/// app's own routes (so a new one must be placed), and each answers an assistant 403 with the reason while the owner passes.
/// </summary>
public sealed class RoleGateTests(PazPazApp app) : AppTest(app)
{
    /// <summary>Every route the gate guards: method (pages: GET), template with constraints dropped, area.</summary>
    public static readonly TheoryData<string, string, Area> Guarded = new()
    {
        { "GET", "/api/v1/session-notes", Area.ClinicalRecord },
        { "POST", "/api/v1/session-notes", Area.ClinicalRecord },
        { "GET", "/api/v1/session-notes/{id}", Area.ClinicalRecord },
        { "PUT", "/api/v1/session-notes/{id}", Area.ClinicalRecord },
        { "DELETE", "/api/v1/session-notes/{id}", Area.ClinicalRecord },
        { "POST", "/api/v1/session-notes/{id}/finalize", Area.ClinicalRecord },
        { "POST", "/api/v1/session-notes/{id}/restore", Area.ClinicalRecord },
        { "GET", "/api/v1/session-notes/{parentId}/attachments", Area.ClinicalRecord },
        { "POST", "/api/v1/session-notes/{parentId}/attachments", Area.ClinicalRecord },
        { "GET", "/api/v1/session-notes/{parentId}/attachments/{id}", Area.ClinicalRecord },
        { "GET", "/api/v1/session-notes/{parentId}/attachments/{id}/content", Area.ClinicalRecord },
        { "PATCH", "/api/v1/session-notes/{parentId}/attachments/{id}", Area.ClinicalRecord },
        { "DELETE", "/api/v1/session-notes/{parentId}/attachments/{id}", Area.ClinicalRecord },
        { "POST", "/api/v1/session-notes/{parentId}/attachments/{id}/restore", Area.ClinicalRecord },
        { "POST", "/files/upload/note/{noteId}", Area.ClinicalRecord },
        { "GET", "/clients/{id}/notes/new", Area.ClinicalRecord },
        { "GET", "/notes/{id}", Area.ClinicalRecord },
        { "GET", "/notes/{id}/amend", Area.ClinicalRecord },
        { "GET", "/notes/{id}/delete", Area.ClinicalRecord },
        { "GET", "/notes/{id}/history", Area.ClinicalRecord },
        { "GET", "/notes/{id}/restore", Area.ClinicalRecord },
        { "GET", "/appointments/{id}/note", Area.ClinicalRecord },
        { "PUT", "/api/v1/workspace", Area.PracticeSettings },
        { "POST", "/api/v1/services", Area.PracticeSettings },
        { "PUT", "/api/v1/services/{id}", Area.PracticeSettings },
        { "DELETE", "/api/v1/services/{id}", Area.PracticeSettings },
        { "POST", "/api/v1/services/{id}/restore", Area.PracticeSettings },
        { "POST", "/api/v1/locations", Area.PracticeSettings },
        { "PUT", "/api/v1/locations/{id}", Area.PracticeSettings },
        { "DELETE", "/api/v1/locations/{id}", Area.PracticeSettings },
        { "POST", "/api/v1/locations/{id}/restore", Area.PracticeSettings },
        { "GET", "/settings/workspace", Area.PracticeSettings },
        { "GET", "/settings/services", Area.PracticeSettings },
        { "GET", "/settings/services/new", Area.PracticeSettings },
        { "GET", "/settings/services/{id}/edit", Area.PracticeSettings },
        { "GET", "/settings/locations", Area.PracticeSettings },
        { "GET", "/settings/locations/new", Area.PracticeSettings },
        { "GET", "/settings/locations/{id}/edit", Area.PracticeSettings },
        { "GET", "/settings/audit", Area.AuditTrail },
        { "GET", "/settings/team", Area.Team },
    };

    private static readonly Regex Parameter = new(@"\{(\w+)(:[^}]+)?\}");

    [Fact]
    public void Every_guarded_route_is_listed_here_with_its_area()
    {
        var guarded = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RequiresAttribute>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Template(e.RoutePattern.RawText!)} {e.Metadata.GetMetadata<RequiresAttribute>()!.Area}"))
            .Distinct().Order().ToArray();

        Assert.Equal(Guarded.Select(row => $"{row[0]} {row[1]} {row[2]}").Order().ToArray(), guarded);
    }

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task An_assistant_is_refused_with_the_reason_and_the_owner_is_not(string method, string template, Area area)
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var api = template.StartsWith("/api/");
        var (assistant, owner) = api
            ? (await App.ApiClientAsync("ruth@example.com"), await App.ApiClientAsync("dana@example.com"))
            : (await App.SignedInAsync("ruth@example.com"), await App.SignedInAsync("dana@example.com"));
        // Any id: the gate answers before anything is looked up, so it says nothing about whether a record exists.
        var url = Parameter.Replace(template, _ => Guid.NewGuid().ToString());

        var refused = await assistant.SendAsync(Request(method, url, api));
        var reason = RolePolicy.WhyNot(UserRole.Assistant, area)!;

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        if (api)
        {
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(reason, (await refused.JsonAsync())["detail"]!.GetValue<string>());
        }
        else Assert.Contains(reason, (await refused.ParseAsync()).Body!.TextContent);

        var allowed = await owner.SendAsync(Request(method, url, api));
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
        Assert.True((int)allowed.StatusCode < 500, $"{method} {url}: {(int)allowed.StatusCode}");
    }

    [Fact]
    public async Task An_assistant_works_the_calendar_and_the_clients_contact_details()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id);
        var api = await App.ApiClientAsync("ruth@example.com");
        var start = App.Clock.GetUtcNow().AddDays(1);

        var booked = await api.PostJsonAsync("/api/v1/appointments", new { client_id = client.Id, scheduled_start = start, scheduled_end = start.AddHours(1) });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await booked.JsonAsync())["id"]!.GetValue<Guid>();
        var moved = await api.PutJsonAsync($"/api/v1/appointments/{id}", new { scheduled_start = start.AddHours(2), scheduled_end = start.AddHours(3) });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { phone = "+972 50 123 4567" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/services")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/workspace")).StatusCode);

        var browser = await App.SignedInAsync("ruth@example.com");
        foreach (var page in new[] { "/calendar", "/clients", $"/clients/{client.Id}", $"/clients/{client.Id}/edit", "/settings", "/settings/notifications" })
            Assert.True((await browser.GetAsync(page)).StatusCode == HttpStatusCode.OK, page);
    }

    [Fact]
    public async Task An_assistant_never_sees_nor_changes_a_clients_medical_history_and_notes()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var client = await App.ClientAsync(practice.Workspace.Id);
        var owner = await App.ApiClientAsync("dana@example.com");
        Assert.Equal(HttpStatusCode.OK, (await owner.PutJsonAsync($"/api/v1/clients/{client.Id}",
            new { medical_history = "Herniated disc L4", notes = "Prefers mornings" })).StatusCode);
        var api = await App.ApiClientAsync("ruth@example.com");

        var one = (await (await api.GetAsync($"/api/v1/clients/{client.Id}")).JsonAsync()).AsObject();
        var list = (await (await api.GetAsync("/api/v1/clients")).JsonAsync())["items"]![0]!.AsObject();
        foreach (var seen in new[] { one, list })
        {
            Assert.Equal("Noa", seen["first_name"]!.GetValue<string>());
            Assert.False(seen.ContainsKey("medical_history"));
            Assert.False(seen.ContainsKey("notes"));
        }
        Assert.True((await (await owner.GetAsync($"/api/v1/clients/{client.Id}")).JsonAsync()).AsObject().ContainsKey("medical_history"));

        var write = await api.PutJsonAsync($"/api/v1/clients/{client.Id}", new { phone = "050", medical_history = "" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("medical_history", (await write.JsonAsync())["detail"]!.GetValue<string>());
        var create = await api.PostJsonAsync("/api/v1/clients", new { first_name = "Avi", last_name = "Bar", notes = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);

        // The pages leave the fields out, and saving the form keeps what the therapist wrote.
        var browser = await App.SignedInAsync("ruth@example.com");
        var details = await browser.GetStringAsync($"/clients/{client.Id}");
        Assert.DoesNotContain("Herniated", details);
        Assert.DoesNotContain("Prefers mornings", details);
        var form = await browser.GetPageAsync($"/clients/{client.Id}/edit");
        Assert.Null(form.QuerySelector("[name='Input.MedicalHistory']"));
        Assert.DoesNotContain("Herniated", form.Source.Text);
        var saved = await browser.SubmitAsync(form, "main form", new Dictionary<string, string> { ["Input.Phone"] = "+972 50 765 4321" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var stored = await App.WithDbAsync(db => Task.FromResult(db.Clients.IgnoreQueryFilters().Single(c => c.Id == client.Id)));
        Assert.Equal("+972 50 765 4321", stored.Phone);
        Assert.Equal("Herniated disc L4", stored.MedicalHistory);
        Assert.Equal("Prefers mornings", stored.Notes);
    }

    [Fact]
    public async Task Navigation_hides_from_an_assistant_what_the_role_cannot_use()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        string[] ownerOnly = ["/settings/workspace", "/settings/services", "/settings/locations", "/settings/audit"];

        var assistant = await (await App.SignedInAsync("ruth@example.com")).GetPageAsync("/settings");
        var owner = await (await App.SignedInAsync("dana@example.com")).GetPageAsync("/settings");

        foreach (var href in ownerOnly)
        {
            Assert.Null(assistant.QuerySelector($"a[href='{href}']"));
            Assert.NotNull(owner.QuerySelector($"a[href='{href}']"));
        }
        Assert.NotNull(assistant.QuerySelector("a[href='/settings/notifications']"));
    }

    private static HttpRequestMessage Request(string method, string url, bool json) => new(new HttpMethod(method), url)
    {
        Content = method is "GET" or "DELETE" ? null
            : Regex.IsMatch(url, "/attachments$|/upload/") ? new MultipartFormDataContent() // routing itself refuses other types (415)
            : json ? ApiClients.Raw("{}") : new FormUrlEncodedContent([]),
    };

    /// <summary>Route templates with constraints dropped ("{id:guid}" → "{id}"), a leading slash and no trailing one.</summary>
    private static string Template(string raw) => "/" + Regex.Replace(raw, @"\{(\w+):[^}]+\}", "{$1}").Trim('/');
}
