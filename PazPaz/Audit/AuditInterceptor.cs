using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PazPaz.Data;
using PazPaz.Data.Configurations;
using PazPaz.Domain;

namespace PazPaz.Audit;

/// <summary>
/// Records every create, update and delete in the same transaction as the change. Field names are always kept;
/// old and new values only for fields not marked personal, so the trail never becomes a copy of health data.
/// </summary>
public sealed class AuditInterceptor : SaveChangesInterceptor
{
    private static readonly HashSet<Type> NotAudited =
        [typeof(AuditEvent), typeof(NotificationDelivery), typeof(SignInLink), typeof(DataProtectionKey),
            // Two-step sign-in writes its own events (Auth/SecondFactor); a set of codes is not eight "creates".
            typeof(TotpBackupCode),
            typeof(UserSession), typeof(SignInCounter)]; // sessions are audited as sign-in and "session ended" (SessionEnding)
    private static readonly HashSet<string> Bookkeeping = ["CreatedAt", "UpdatedAt"];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Record(DbContext? context)
    {
        if (context is not PazPazDb db) return;
        var events = new List<AuditEvent>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (NotAudited.Contains(entry.Metadata.ClrType)) continue;
            var action = entry.State switch
            {
                EntityState.Added => AuditAction.Create,
                EntityState.Modified => AuditAction.Update,
                EntityState.Deleted => AuditAction.Delete,
                _ => (AuditAction?)null,
            };
            if (action is null) continue;
            var changes = Changes(entry);
            if (action == AuditAction.Update && changes.Count == 0) continue;

            var workspaceId = entry.Entity switch
            {
                IWorkspaceOwned owned => owned.WorkspaceId,
                Workspace workspace => workspace.Id,
                Invitation invitation => invitation.WorkspaceId ?? db.Actor.WorkspaceId,
                _ => db.Actor.WorkspaceId,
            };
            events.Add(AuditEvent.Record(action.Value, entry.Metadata.ClrType.Name, KeyOf(entry), workspaceId, db.Actor.UserId,
                db.Clock.GetUtcNow(), changes.Count == 0 ? null : JsonSerializer.Serialize(changes),
                ipAddress: db.Actor.IpAddress, userAgent: db.Actor.UserAgent));
        }
        db.AuditEvents.AddRange(events);
    }

    private static Dictionary<string, object?> Changes(EntityEntry entry)
    {
        var changes = new Dictionary<string, object?>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            // Row versions (a session note's xmin) are bookkeeping the database keeps, not a change anyone made.
            if (Bookkeeping.Contains(name) || property.Metadata.IsPrimaryKey() || property.Metadata.IsConcurrencyToken) continue;
            var personal = property.Metadata.FindAnnotation(ModelConventions.PersonalAnnotation)?.Value is true;
            switch (entry.State)
            {
                case EntityState.Modified when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue):
                    changes[ModelConventions.SnakeCase(name)] = personal ? null : new { old = Plain(property.OriginalValue), @new = Plain(property.CurrentValue) };
                    break;
                case EntityState.Added when property.CurrentValue is not null:
                    changes[ModelConventions.SnakeCase(name)] = personal ? null : new { @new = Plain(property.CurrentValue) };
                    break;
                // A row removed for good (the purge of deleted session notes): which fields it held, values only when not personal.
                case EntityState.Deleted when property.OriginalValue is not null:
                    changes[ModelConventions.SnakeCase(name)] = personal ? null : new { old = Plain(property.OriginalValue) };
                    break;
            }
        }
        return changes;
    }

    private static object? Plain(object? value) => value is Enum e ? ModelConventions.SnakeCase(e.ToString()) : value;

    private static Guid? KeyOf(EntityEntry entry) =>
        entry.Metadata.FindPrimaryKey()?.Properties is [var key] && entry.Property(key.Name).CurrentValue is Guid id ? id : null;
}
