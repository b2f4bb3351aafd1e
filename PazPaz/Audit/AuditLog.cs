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
}
