using Microsoft.EntityFrameworkCore;
using PazPaz.Data;

namespace PazPaz.Api;

public static class WorkspaceApi
{
    public sealed record WorkspaceResponse(Guid Id, string Name, string Timezone);

    public static void MapWorkspaceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/workspace", async (PazPazDb db, CancellationToken cancellationToken) =>
        {
            // The wall leaves exactly one row visible: the caller's own workspace.
            var workspace = await db.Workspaces.SingleOrDefaultAsync(cancellationToken);
            return workspace is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Workspace not found.")
                : Results.Ok(new WorkspaceResponse(workspace.Id, workspace.Name, workspace.TimeZone));
        }).WithName("GetWorkspace").WithTags("Workspace");
    }
}
