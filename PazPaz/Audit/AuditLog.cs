using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Audit;

/// <summary>Events that are not row changes: sign-in, sign-out, failed attempts, exports.</summary>
public sealed class AuditLog(PazPazDb db, CurrentUser actor, TimeProvider clock)
{
    public async Task RecordAsync(AuditAction action, string resourceType, Guid? resourceId, Guid? workspaceId, Guid? userId,
        object? metadata = null, CancellationToken cancellationToken = default)
    {
        db.AuditEvents.Add(AuditEvent.Record(action, resourceType, resourceId, workspaceId, userId, clock.GetUtcNow(),
            metadata: metadata is null ? null : System.Text.Json.JsonSerializer.Serialize(metadata),
            ipAddress: actor.IpAddress, userAgent: actor.UserAgent));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// One event written on its own, with a single INSERT and no change tracking: for reads, which happen on every page
    /// view and have nothing else to save (unlike <see cref="RecordAsync"/>, which saves whatever the request changed too).
    /// </summary>
    public async Task AppendAsync(AuditAction action, string resourceType, Guid? resourceId, Guid? workspaceId, Guid? userId,
        object metadata, CancellationToken cancellationToken = default)
    {
        var e = AuditEvent.Record(action, resourceType, resourceId, workspaceId, userId, clock.GetUtcNow(),
            metadata: System.Text.Json.JsonSerializer.Serialize(metadata), ipAddress: actor.IpAddress, userAgent: actor.UserAgent);
        var actionName = Data.Configurations.ModelConventions.SnakeCase(e.Action.ToString());
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_events (id, workspace_id, user_id, action, resource_type, resource_id, metadata, occurred_at, ip_address, user_agent)
            VALUES ({e.Id}, {e.WorkspaceId}, {e.UserId}, {actionName}, {e.ResourceType}, {e.ResourceId}, {e.Metadata}::jsonb, {e.OccurredAt}, {e.IpAddress}, {e.UserAgent})
            """, cancellationToken);
    }
}
