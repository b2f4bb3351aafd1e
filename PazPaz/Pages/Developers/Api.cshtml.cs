using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;

namespace PazPaz.Pages.Developers;

/// <summary>A readable API reference built from the same endpoint metadata as /openapi/v1.json, so the two never disagree.</summary>
[AllowAnonymous]
public sealed class ApiModel(EndpointDataSource endpoints) : PageModel
{
    public sealed record Operation(string Method, string Path, string? Summary, string? Name);
    public sealed record Section(string Tag, List<Operation> Operations);

    public List<Section> Sections { get; private set; } = [];

    public void OnGet()
    {
        var operations =
            from endpoint in endpoints.Endpoints.OfType<RouteEndpoint>()
            let path = "/" + endpoint.RoutePattern.RawText?.TrimStart('/')
            where path.StartsWith("/api/v1", StringComparison.Ordinal)
            from method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []
            select (Tag: endpoint.Metadata.GetMetadata<ITagsMetadata>()?.Tags.FirstOrDefault() ?? "Other",
                Operation: new Operation(method, path.TrimEnd('/'), endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
                    endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName));
        Sections = operations.GroupBy(o => o.Tag).OrderBy(g => g.Key)
            .Select(g => new Section(g.Key, g.Select(o => o.Operation).OrderBy(o => o.Path).ThenBy(o => MethodOrder(o.Method)).ToList()))
            .ToList();
    }

    private static int MethodOrder(string method) => Array.IndexOf(["GET", "POST", "PUT", "PATCH", "DELETE"], method);
}
