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
    /// <summary>
    /// PostgreSQL's xmin: changes with every write of the row, including raw SQL ones (a SEQUENCE raise). EF checks it on
    /// save, so two saves of one row at once cannot both win silently; forms and the API's ETag carry it.
    /// </summary>
    public uint Version { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }
    /// <summary>Everyone in the practice must use two-step sign-in; someone without it is sent to set it up first.</summary>
    public bool RequireTwoFactor { get; private set; }

    private Workspace() { }

    public static Workspace Create(string name, string timeZone, DateTimeOffset now)
    {
        var workspace = new Workspace { CreatedAt = now, UpdatedAt = now };
        workspace.Rename(name);
        workspace.ChangeTimeZone(timeZone);
        return workspace;
    }

    public bool IsActive => Status == WorkspaceStatus.Active;

    /// <summary>The calendar date at the practice at <paramref name="now"/>.</summary>
    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZones.Find(TimeZone)).DateTime);

    public static bool SettingsChangeableBy(UserRole role) => RolePolicy.Allows(role, Area.PracticeSettings);

    /// <summary>What is wrong with these settings, keyed by property name; empty when they can be saved.</summary>
    public static Dictionary<string, string> Problems(string? name, string? timeZone)
    {
        var problems = new Dictionary<string, string>();
        if (NameProblem(name) is { } nameProblem) problems[nameof(Name)] = nameProblem;
        if (TimeZoneProblem(timeZone) is { } zoneProblem) problems[nameof(TimeZone)] = zoneProblem;
        return problems;
    }

    public void Rename(string name)
    {
        if (NameProblem(name) is { } problem) throw new DomainException(problem);
        Name = name.Trim();
    }

    public void ChangeTimeZone(string timeZone)
    {
        if (TimeZoneProblem(timeZone) is { } problem) throw new DomainException(problem);
        TimeZone = timeZone.Trim();
    }

    private static string? NameProblem(string? name) => (name?.Trim().Length ?? 0) switch
    {
        0 => "Enter the practice's name.",
        > 255 => "A practice name is at most 255 characters.",
        _ => null,
    };

    private static string? TimeZoneProblem(string? timeZone) =>
        TimeZones.IsValid(timeZone?.Trim()) ? null : $"'{timeZone}' is not a time zone we know. Pick one from the list, like Europe/London.";

    /// <summary>Only an owner who uses two-step sign-in may require it, so the switch never locks its owner into set-up.</summary>
    public void RequireTwoFactorSignIn(bool required, User changedBy)
    {
        if (RolePolicy.WhyNot(changedBy.Role, Area.PracticeSettings) is { } reason) throw new DomainException(reason);
        if (required && !changedBy.TotpEnabled) throw new DomainException("Turn on two-step sign-in for yourself first.");
        RequireTwoFactor = required;
    }

    public void Suspend() => Status = WorkspaceStatus.Suspended;
    public void Reactivate() { Status = WorkspaceStatus.Active; DeletedAt = null; }
    public void SoftDelete(DateTimeOffset now) { Status = WorkspaceStatus.Deleted; DeletedAt = now; }
}
