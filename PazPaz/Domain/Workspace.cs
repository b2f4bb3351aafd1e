namespace PazPaz.Domain;

public enum WorkspaceStatus { Active, Suspended, Deleted }

/// <summary>One practice. Every piece of practice data belongs to exactly one workspace.</summary>
public sealed class Workspace
{
    public const long DefaultStorageQuotaBytes = 10L * 1024 * 1024 * 1024;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Name { get; private set; } = "";
    /// <summary>IANA zone id; every "HH:MM" setting and every calendar day is read in this zone.</summary>
    public string TimeZone { get; private set; } = "UTC";
    public WorkspaceStatus Status { get; private set; } = WorkspaceStatus.Active;
    public long StorageQuotaBytes { get; private set; } = DefaultStorageQuotaBytes;
    public long StorageUsedBytes { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }

    private Workspace() { }

    public static Workspace Create(string name, string timeZone, DateTimeOffset now)
    {
        var workspace = new Workspace { CreatedAt = now, UpdatedAt = now };
        workspace.Rename(name);
        workspace.ChangeTimeZone(timeZone);
        return workspace;
    }

    public bool IsActive => Status == WorkspaceStatus.Active;

    public void Rename(string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > 255) throw new DomainException("A workspace name is 1 to 255 characters.");
        Name = name;
    }

    public void ChangeTimeZone(string timeZone)
    {
        if (!TimeZones.IsValid(timeZone)) throw new DomainException($"'{timeZone}' is not an IANA time zone.");
        TimeZone = timeZone;
    }

    public void Suspend() => Status = WorkspaceStatus.Suspended;
    public void Reactivate() { Status = WorkspaceStatus.Active; DeletedAt = null; }
    public void SoftDelete(DateTimeOffset now) { Status = WorkspaceStatus.Deleted; DeletedAt = now; }
}
