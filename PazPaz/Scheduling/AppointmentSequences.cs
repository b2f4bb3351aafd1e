using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Scheduling;

/// <summary>
/// SEQUENCE rises on every change a feed subscriber can see (ics-feed.md), including the client, service and location
/// names an event shows: without it some calendar apps keep the old title or place. The client, service and location
/// pages and API endpoints save through <see cref="SaveRaisingSequencesAsync"/>, so the rule lives here once.
/// </summary>
public static class AppointmentSequences
{
    // What FeedWriter.Title and FeedWriter.Location read from each entity; other fields (a phone number) change no event.
    private static readonly string[] ClientShows = [nameof(Client.FirstName), nameof(Client.LastName), nameof(Client.HideNameOutsidePazPaz)];
    private static readonly string[] ServiceShows = [nameof(Service.Name)];
    private static readonly string[] LocationShows = [nameof(Location.Name), nameof(Location.Address), nameof(Location.Details)];

    private delegate Task<int> Raise(PazPazDb db, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the pending changes; when they change a client's, service's or location's shown fields, raises the
    /// sequence (and updated_at) of that entity's appointments in the same transaction. A save changing nothing shown is
    /// a plain <c>SaveChangesAsync</c>.
    /// </summary>
    public static async Task<int> SaveRaisingSequencesAsync(this PazPazDb db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.DetectChanges();
        var raises = Pending(db.ChangeTracker);
        if (raises.Count == 0) return await db.SaveChangesAsync(cancellationToken);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Changes are accepted only after the commit, so a retried attempt saves them again rather than nothing.
            var saved = await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            var now = db.Clock.GetUtcNow();
            foreach (var raise in raises) await raise(db, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.AcceptAllChanges();
            return saved;
        });
    }

    /// <summary>Raises the sequence of the client's appointments (deleted ones stay as they are: they are in no feed). One UPDATE.</summary>
    public static Task<int> RaiseForClientAsync(this PazPazDb db, Client client, DateTimeOffset now, CancellationToken cancellationToken) =>
        RaiseAsync(Of(db, client.WorkspaceId).Where(a => a.ClientId == client.Id), now, cancellationToken);

    public static Task<int> RaiseForServiceAsync(this PazPazDb db, Service service, DateTimeOffset now, CancellationToken cancellationToken) =>
        RaiseAsync(Of(db, service.WorkspaceId).Where(a => a.ServiceId == service.Id), now, cancellationToken);

    public static Task<int> RaiseForLocationAsync(this PazPazDb db, Location location, DateTimeOffset now, CancellationToken cancellationToken) =>
        RaiseAsync(Of(db, location.WorkspaceId).Where(a => a.LocationId == location.Id), now, cancellationToken);

    /// <summary>
    /// The entity's own workspace rather than the request's wall, so operators and jobs (no wall) raise too; the entity
    /// being saved has passed the wall's write check already. The not-deleted filter stays.
    /// </summary>
    private static IQueryable<Appointment> Of(PazPazDb db, Guid workspaceId) =>
        db.Appointments.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(a => a.WorkspaceId == workspaceId);

    private static Task<int> RaiseAsync(IQueryable<Appointment> appointments, DateTimeOffset now, CancellationToken cancellationToken) =>
        appointments.ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Sequence, a => a.Sequence + 1)
            .SetProperty(a => a.UpdatedAt, now), cancellationToken);

    private static List<Raise> Pending(ChangeTracker tracker)
    {
        var raises = new List<Raise>();
        foreach (var entry in tracker.Entries())
        {
            if (entry.State != EntityState.Modified) continue;
            switch (entry.Entity)
            {
                case Client client when Changed(entry, ClientShows):
                    raises.Add((db, now, ct) => db.RaiseForClientAsync(client, now, ct));
                    break;
                case Service service when Changed(entry, ServiceShows):
                    raises.Add((db, now, ct) => db.RaiseForServiceAsync(service, now, ct));
                    break;
                case Location location when Changed(entry, LocationShows):
                    raises.Add((db, now, ct) => db.RaiseForLocationAsync(location, now, ct));
                    break;
            }
        }
        return raises;
    }

    private static bool Changed(EntityEntry entry, string[] properties) =>
        properties.Any(name => entry.Property(name) is { IsModified: true } p && !Equals(p.OriginalValue, p.CurrentValue));
}
