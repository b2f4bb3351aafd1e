using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Api;

/// <summary>An unpaged list: <c>{"items": [...]}</c>.</summary>
public sealed record ItemList<T>(List<T> Items);

public static class ServicesApi
{
    public sealed record ServiceResponse(Guid Id, string Name, string? Description, int DefaultDurationMinutes, bool IsActive,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>DELETE's answer when appointments still use the service, so it was archived rather than deleted.</summary>
    public sealed record ServiceArchived(bool Archived, string Detail, ServiceResponse Service);

    private static readonly string[] Fields = ["name", "default_duration_minutes", "description", "is_active"];

    public static void MapServicesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/services").WithTags("Services");

        group.MapGet("/", ListAsync).WithName("ListServices")
            .WithSummary("Services sorted by name; archived ones only with include_inactive=true. Answers {items: [...]}.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetService").WithSummary("One service.");
        group.MapPost("/", CreateAsync).WithName("CreateService").Requires(Area.PracticeSettings).AcceptsJson(Fields)
            .WithSummary("Adds a service: name (unique in the workspace, ignoring case) and default_duration_minutes (1–1440) required. 201; 409 when the name is taken.");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateService").Requires(Area.PracticeSettings).AcceptsJson(Fields)
            .WithSummary("Partial update: only the fields sent change. is_active archives or restores. 409 when the new name is taken.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteService").Requires(Area.PracticeSettings)
            .WithSummary("Deletes a service no appointment uses (204). One that appointments use (deleted ones included) is archived instead: 200 with {archived: true, detail, service}.");
        group.MapPost("/{id:guid}/restore", RestoreAsync).WithName("RestoreService").Requires(Area.PracticeSettings)
            .WithSummary("Offers an archived service again. Answers the service.");
    }

    public static ServiceResponse ToResponse(Service s) =>
        new(s.Id, s.Name, s.Description, s.DefaultDurationMinutes, s.IsActive, s.CreatedAt, s.UpdatedAt);

    private static async Task<IResult> ListAsync(HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var includeInactive = query.Bool("include_inactive");
        if (!query.IsValid) return query.Problem();
        var services = await db.Services.AsNoTracking().Where(s => includeInactive || s.IsActive).OrderByName().ToListAsync(cancellationToken);
        return Results.Ok(new ItemList<ServiceResponse>(services.Select(ToResponse).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, PazPazDb db, CancellationToken cancellationToken) =>
        await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is { } service
            ? Results.Ok(ToResponse(service))
            : ApiResults.NotFound("Service");

    private static async Task<IResult> CreateAsync(HttpRequest request, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var name = input.String("name", required: true, nullable: false);
        var duration = input.Int("default_duration_minutes", required: true);
        var description = input.String("description");
        var isActive = input.Bool("is_active");
        input.AddProblems(Service.Problems(name, duration, description));
        if (!input.IsValid) return input.Problem();
        if (await db.ServiceNameTakenAsync(name!, null, cancellationToken)) return ApiResults.Conflict(Catalog.DuplicateServiceName);

        var service = Service.Create(current.RequireWorkspaceId(), name!, duration!.Value, description);
        if (isActive == false) service.Archive();
        db.Services.Add(service);
        return await SaveAsync(db, cancellationToken) ?? Results.Created($"/api/v1/services/{service.Id}", ToResponse(service));
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Services.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } service) return ApiResults.NotFound("Service");
        var input = JsonInput.Of(request);
        var name = input.Has("name") ? input.String("name", nullable: false) : service.Name;
        var duration = input.Has("default_duration_minutes") ? input.Int("default_duration_minutes") : service.DefaultDurationMinutes;
        var description = input.Has("description") ? input.String("description") : service.Description;
        var isActive = input.Bool("is_active");
        input.AddProblems(Service.Problems(name, duration, description));
        if (!input.IsValid) return input.Problem();
        if (await db.ServiceNameTakenAsync(name!, id, cancellationToken)) return ApiResults.Conflict(Catalog.DuplicateServiceName);

        service.Update(name!, duration!.Value, description);
        if (isActive == true) service.Restore();
        if (isActive == false) service.Archive();
        return await SaveAsync(db, cancellationToken) ?? Results.Ok(ToResponse(service));
    }

    private static async Task<IResult> DeleteAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Services.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } service) return ApiResults.NotFound("Service");
        return await db.DeleteOrArchiveAsync(service, cancellationToken)
            ? Results.Ok(new ServiceArchived(true, "Appointments use this service, so it was archived instead of deleted.", ToResponse(service)))
            : Results.NoContent();
    }

    private static async Task<IResult> RestoreAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Services.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } service) return ApiResults.NotFound("Service");
        service.Restore();
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(ToResponse(service));
    }

    /// <summary>Saves (raising the sequences a rename shows in feeds); null when it worked, a 409 when a concurrent save took the name first.</summary>
    private static async Task<IResult?> SaveAsync(PazPazDb db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveRaisingSequencesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            return ApiResults.Conflict(Catalog.DuplicateServiceName);
        }
    }
}
