using System.Text.Json.Nodes;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class ApiReferenceTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task The_reference_page_lists_every_appointment_operation()
    {
        var page = await App.Browser().GetPageAsync("/developers/api");
        var operations = page.QuerySelectorAll("li").Select(li => string.Join(" ", li.QuerySelectorAll("span, code").Take(2).Select(e => e.TextContent.Trim()))).ToList();

        Assert.Contains("GET /api/v1/appointments", operations);
        Assert.Contains("POST /api/v1/appointments", operations);
        Assert.Contains("GET /api/v1/appointments/conflicts", operations);
        Assert.Contains("PUT /api/v1/appointments/{id:guid}", operations);
        Assert.Contains("DELETE /api/v1/appointments/{id:guid}", operations);
    }

    [Fact]
    public async Task The_openapi_document_names_the_appointment_operations()
    {
        var document = JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.NotNull(paths["/api/v1/appointments/conflicts"]!["get"]);
        Assert.Equal("CreateAppointment", paths["/api/v1/appointments"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(paths["/api/v1/appointments/{id}"]!["delete"]);
    }

    [Fact]
    public async Task The_reference_and_the_openapi_document_describe_the_calendar_feed_operations_and_the_export()
    {
        var page = await App.Browser().GetPageAsync("/developers/api");
        var operations = page.QuerySelectorAll("li").Select(li => string.Join(" ", li.QuerySelectorAll("span, code").Take(2).Select(e => e.TextContent.Trim()))).ToList();
        foreach (var operation in new[] { "GET /api/v1/calendar-feeds", "POST /api/v1/calendar-feeds", "PUT /api/v1/calendar-feeds/{id:guid}",
                     "PATCH /api/v1/calendar-feeds/{id:guid}", "POST /api/v1/calendar-feeds/{id:guid}/rotate", "DELETE /api/v1/calendar-feeds/{id:guid}",
                     "GET /api/v1/appointments/export.ics" })
            Assert.Contains(operation, operations);

        var paths = JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.Equal("CreateCalendarFeed", paths["/api/v1/calendar-feeds"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.Equal("RotateCalendarFeed", paths["/api/v1/calendar-feeds/{id}/rotate"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(paths["/api/v1/calendar-feeds/{id}"]!["patch"]);
        Assert.Equal("ExportAppointments", paths["/api/v1/appointments/export.ics"]!["get"]!["operationId"]!.GetValue<string>());
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/calendar/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reference_and_the_openapi_document_describe_the_session_note_operations_and_their_concurrency()
    {
        var page = await App.Browser().GetPageAsync("/developers/api");
        var operations = page.QuerySelectorAll("li").Select(li => string.Join(" ", li.QuerySelectorAll("span, code").Take(2).Select(e => e.TextContent.Trim()))).ToList();
        foreach (var operation in new[] { "GET /api/v1/session-notes", "POST /api/v1/session-notes", "GET /api/v1/session-notes/{id:guid}",
                     "PUT /api/v1/session-notes/{id:guid}", "POST /api/v1/session-notes/{id:guid}/finalize",
                     "DELETE /api/v1/session-notes/{id:guid}", "POST /api/v1/session-notes/{id:guid}/restore" })
            Assert.Contains(operation, operations);
        Assert.Contains("412 Precondition Failed", page.Body!.TextContent);

        var paths = JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        Assert.Equal("UpdateSessionNote", paths["/api/v1/session-notes/{id}"]!["put"]!["operationId"]!.GetValue<string>());
        Assert.Equal("FinalizeSessionNote", paths["/api/v1/session-notes/{id}/finalize"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.Contains("If-Match", paths["/api/v1/session-notes/{id}"]!["put"]!["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_reference_and_the_openapi_document_describe_the_attachment_operations()
    {
        var page = await App.Browser().GetPageAsync("/developers/api");
        var operations = page.QuerySelectorAll("li").Select(li => string.Join(" ", li.QuerySelectorAll("span, code").Take(2).Select(e => e.TextContent.Trim()))).ToList();
        foreach (var parent in new[] { "/api/v1/clients/{parentId:guid}/attachments", "/api/v1/session-notes/{parentId:guid}/attachments" })
            foreach (var operation in new[] { $"GET {parent}", $"POST {parent}", $"GET {parent}/{{id:guid}}", $"GET {parent}/{{id:guid}}/content",
                         $"PATCH {parent}/{{id:guid}}", $"DELETE {parent}/{{id:guid}}", $"POST {parent}/{{id:guid}}/restore" })
                Assert.Contains(operation, operations);

        var document = JsonNode.Parse(await App.Browser().GetStringAsync("/openapi/v1.json"))!;
        var upload = document["paths"]!["/api/v1/clients/{parentId}/attachments"]!["post"]!;
        Assert.Equal("UploadClientAttachment", upload["operationId"]!.GetValue<string>());
        Assert.NotNull(upload["requestBody"]!["content"]!["multipart/form-data"]);
        // The browser's own upload and content routes are not part of the public API.
        Assert.DoesNotContain(document["paths"]!.AsObject(), p => p.Key.StartsWith("/files", StringComparison.Ordinal));
    }
}
