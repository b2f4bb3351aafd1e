using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Api;

public static class LocationsApi
{
    public sealed record LocationResponse(Guid Id, string Name, string LocationType, string? Address, string? Details, bool IsActive,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>DELETE's answer when appointments still use the location, so it was archived rather than deleted.</summary>
    public sealed record LocationArchived(bool Archived, string Detail, LocationResponse Location);

    private static readonly string[] Fields = ["name", "location_type", "address", "details", "is_active"];

    public static void MapLocationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/locations").WithTags("Locations");

        group.MapGet("/", ListAsync).WithName("ListLocations")
            .WithSummary("Locations sorted by name; archived ones only with include_inactive=true. Answers {items: [...]}.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetLocation").WithSummary("One location.");
        group.MapPost("/", CreateAsync).WithName("CreateLocation").Requires(Area.PracticeSettings).AcceptsJson(Fields)
            .WithSummary("Adds a location: name (unique in the workspace, ignoring case) and location_type (clinic | home | online) required; address required for clinic and home. 201; 409 when the name is taken.");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateLocation").Requires(Area.PracticeSettings).AcceptsJson(Fields)
            .WithSummary("Partial update: only the fields sent change. is_active archives or restores. 409 when the new name is taken.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteLocation").Requires(Area.PracticeSettings)
            .WithSummary("Deletes a location no appointment uses (204). One that appointments use (deleted ones included) is archived instead: 200 with {archived: true, detail, location}.");
        group.MapPost("/{id:guid}/restore", RestoreAsync).WithName("RestoreLocation").Requires(Area.PracticeSettings)
            .WithSummary("Offers an archived location again. Answers the location.");
    }

    public static LocationResponse ToResponse(Location l) =>
        new(l.Id, l.Name, ApiNames.Of(l.LocationType), l.Address, l.Details, l.IsActive, l.CreatedAt, l.UpdatedAt);

    private static async Task<IResult> ListAsync(HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var includeInactive = query.Bool("include_inactive");
        if (!query.IsValid) return query.Problem();
        var locations = await db.Locations.AsNoTracking().Where(l => includeInactive || l.IsActive).OrderByName().ToListAsync(cancellationToken);
        return Results.Ok(new ItemList<LocationResponse>(locations.Select(ToResponse).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, PazPazDb db, CancellationToken cancellationToken) =>
        await db.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken) is { } location
            ? Results.Ok(ToResponse(location))
            : ApiResults.NotFound("Location");

    private static async Task<IResult> CreateAsync(HttpRequest request, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var name = input.String("name", required: true, nullable: false);
        var type = input.Enum<LocationType>("location_type", required: true);
        var address = input.String("address");
        var details = input.String("details");
        var isActive = input.Bool("is_active");
        input.AddProblems(Location.Problems(name, type, address, details));
        if (!input.IsValid) return input.Problem();
        if (await db.LocationNameTakenAsync(name!, null, cancellationToken)) return ApiResults.Conflict(Catalog.DuplicateLocationName);

        var location = Location.Create(current.RequireWorkspaceId(), name!, type!.Value, address, details);
        if (isActive == false) location.Archive();
        db.Locations.Add(location);
        return await SaveAsync(db, cancellationToken) ?? Results.Created($"/api/v1/locations/{location.Id}", ToResponse(location));
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken) is not { } location) return ApiResults.NotFound("Location");
        var input = JsonInput.Of(request);
        var name = input.Has("name") ? input.String("name", nullable: false) : location.Name;
        var type = input.Has("location_type") ? input.Enum<LocationType>("location_type") : location.LocationType;
        var address = input.Has("address") ? input.String("address") : location.Address;
        var details = input.Has("details") ? input.String("details") : location.Details;
        var isActive = input.Bool("is_active");
        input.AddProblems(Location.Problems(name, type, address, details));
        if (!input.IsValid) return input.Problem();
        if (await db.LocationNameTakenAsync(name!, id, cancellationToken)) return ApiResults.Conflict(Catalog.DuplicateLocationName);

        location.Update(name!, type!.Value, address, details);
        if (isActive == true) location.Restore();
        if (isActive == false) location.Archive();
        return await SaveAsync(db, cancellationToken) ?? Results.Ok(ToResponse(location));
    }

    private static async Task<IResult> DeleteAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken) is not { } location) return ApiResults.NotFound("Location");
        return await db.DeleteOrArchiveAsync(location, cancellationToken)
            ? Results.Ok(new LocationArchived(true, "Appointments use this location, so it was archived instead of deleted.", ToResponse(location)))
            : Results.NoContent();
    }

    private static async Task<IResult> RestoreAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken) is not { } location) return ApiResults.NotFound("Location");
        location.Restore();
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(ToResponse(location));
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
            return ApiResults.Conflict(Catalog.DuplicateLocationName);
        }
    }
}
