using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Api;

public static class WorkspaceApi
{
    public sealed record WorkspaceResponse(Guid Id, string Name, string Timezone);

    public static void MapWorkspaceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/workspace", GetAsync).WithName("GetWorkspace").WithTags("Workspace")
            .WithSummary("The caller's workspace: id, name and IANA time zone.");
        api.MapPut("/workspace", UpdateAsync).WithName("UpdateWorkspace").Requires(Area.PracticeSettings).WithTags("Workspace").AcceptsJson(["name", "timezone"])
            .WithSummary("Changes name and/or timezone (an IANA id such as Europe/London); only the fields sent change. Owners only: 403 for assistants.");
    }

    private static WorkspaceResponse ToResponse(Workspace w) => new(w.Id, w.Name, w.TimeZone);

    private static async Task<IResult> GetAsync(HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        // The wall leaves exactly one row visible: the caller's own workspace.
        var workspace = await db.Workspaces.SingleOrDefaultAsync(cancellationToken);
        if (workspace is null) return ApiResults.NotFound("Workspace");
        RowVersions.Stamp(request.HttpContext.Response, workspace.Version);
        return Results.Ok(ToResponse(workspace));
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Workspaces.SingleOrDefaultAsync(cancellationToken) is not { } workspace) return ApiResults.NotFound("Workspace");
        if (!RowVersions.TryReadIfMatch(request, out var basedOn) || basedOn is { } v && v != workspace.Version)
            return RowVersions.PreconditionFailed(request.HttpContext.Response, "workspace", workspace.Version);
        var input = JsonInput.Of(request);
        var name = input.Has("name") ? input.String("name", nullable: false) : workspace.Name;
        var timeZone = input.Has("timezone") ? input.String("timezone", nullable: false) : workspace.TimeZone;
        var problems = Workspace.Problems(name, timeZone);
        // The API calls the time zone "timezone", as GET answers it.
        if (problems.Remove(nameof(Workspace.TimeZone), out var zoneProblem)) problems["Timezone"] = zoneProblem;
        input.AddProblems(problems);
        if (!input.IsValid) return input.Problem();

        workspace.Rename(name!);
        workspace.ChangeTimeZone(timeZone!);
        await db.SaveChangesAsync(cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, workspace.Version);
        return Results.Ok(ToResponse(workspace));
    }
}
