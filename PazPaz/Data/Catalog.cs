using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Domain;

namespace PazPaz.Data;

/// <summary>
/// The rules services and locations share that need the database, used by the Settings pages and the API alike:
/// names are unique per workspace ignoring case, and deleting removes only what no appointment names.
/// </summary>
public static class Catalog
{
    public const string DuplicateServiceName = "A service with this name already exists.";
    public const string DuplicateLocationName = "A location with this name already exists.";

    public static Task<bool> ServiceNameTakenAsync(this PazPazDb db, string name, Guid? except, CancellationToken cancellationToken) =>
        db.Services.Named(name).AnyAsync(s => s.Id != except, cancellationToken);

    public static Task<bool> LocationNameTakenAsync(this PazPazDb db, string name, Guid? except, CancellationToken cancellationToken) =>
        db.Locations.Named(name).AnyAsync(l => l.Id != except, cancellationToken);

    /// <summary>
    /// Deletes the service when no appointment names it, else archives it so those appointments keep their service.
    /// Deleted appointments count too: "undo" may bring them back. Returns true when it archived. Saves.
    /// </summary>
    public static async Task<bool> DeleteOrArchiveAsync(this PazPazDb db, Service service, CancellationToken cancellationToken)
    {
        var inUse = await db.Appointments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).AnyAsync(a => a.ServiceId == service.Id, cancellationToken);
        if (inUse) service.Archive();
        else db.Services.Remove(service);
        await db.SaveChangesAsync(cancellationToken);
        return inUse;
    }

    /// <summary>As for services: deleted when unused, else archived. Returns true when it archived. Saves.</summary>
    public static async Task<bool> DeleteOrArchiveAsync(this PazPazDb db, Location location, CancellationToken cancellationToken)
    {
        var inUse = await db.Appointments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).AnyAsync(a => a.LocationId == location.Id, cancellationToken);
        if (inUse) location.Archive();
        else db.Locations.Remove(location);
        await db.SaveChangesAsync(cancellationToken);
        return inUse;
    }

    /// <summary>Two saves racing past the name check: the unique index refuses the second.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
