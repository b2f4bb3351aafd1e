namespace PazPaz.Domain;

public enum AuditAction { Create, Read, Update, Delete, Login, Logout, LoginFailed, Export, Print, Share }

/// <summary>An append-only record of who did what; the database refuses to change or remove one.</summary>
public sealed class AuditEvent
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid? WorkspaceId { get; private set; }
    public Guid? UserId { get; private set; }
    public AuditAction Action { get; private set; }
    public string ResourceType { get; private set; } = "";
    public Guid? ResourceId { get; private set; }
    /// <summary>JSON: {"field": {"old": …, "new": …}} — personal fields carry their name only.</summary>
    public string? Changes { get; private set; }
    /// <summary>JSON context without personal data.</summary>
    public string? Metadata { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }

    private AuditEvent() { }

    public static AuditEvent Record(AuditAction action, string resourceType, Guid? resourceId, Guid? workspaceId, Guid? userId,
        DateTimeOffset occurredAt, string? changes = null, string? metadata = null, string? ipAddress = null, string? userAgent = null) => new()
    {
        Action = action, ResourceType = resourceType, ResourceId = resourceId, WorkspaceId = workspaceId, UserId = userId,
        OccurredAt = occurredAt, Changes = changes, Metadata = metadata, IpAddress = ipAddress,
        UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
    };
}
