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
}
