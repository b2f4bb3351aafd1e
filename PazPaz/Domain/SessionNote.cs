namespace PazPaz.Domain;

public enum SessionNoteStatus { Draft, Finalized, Amended }

/// <summary>A SOAP note; finalized text is kept forever in <see cref="SessionNoteVersion"/> rows.</summary>
public sealed class SessionNote : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? AppointmentId { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public string? Subjective { get; private set; }
    public string? Objective { get; private set; }
    public string? Assessment { get; private set; }
    public string? Plan { get; private set; }
    public DateOnly SessionDate { get; private set; }
    public int? DurationMinutes { get; private set; }
    public SessionNoteStatus Status { get; private set; } = SessionNoteStatus.Draft;
    public DateTimeOffset? FinalizedAt { get; private set; }
    public DateTimeOffset? AmendedAt { get; private set; }
    public int AmendmentCount { get; private set; }
    /// <summary>Latest version number stored in the history (0 while a draft).</summary>
    public int CurrentVersion { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }
    public string? DeletedReason { get; private set; }
    public DateTimeOffset? PermanentDeleteAfter { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Client? Client { get; private set; }
    public Appointment? Appointment { get; private set; }
    public List<SessionNoteVersion> Versions { get; private set; } = [];

    private SessionNote() { }

    public static readonly TimeSpan DeleteGrace = TimeSpan.FromDays(30);

    public bool WasAmended => Status == SessionNoteStatus.Amended || AmendmentCount > 0;

    /// <summary>Keeps the note for the client when its appointment is deleted.</summary>
    public void UnlinkFromAppointment() => AppointmentId = null;

    /// <summary>Soft delete with a reason; restorable for 30 days, then purged. Amended notes are kept forever.</summary>
    public void Delete(string? reason, DateTimeOffset now)
    {
        if (WasAmended) throw new DomainException("An amended session note is part of the medical record and cannot be deleted.");
        DeletedAt = now;
        DeletedReason = reason;
        PermanentDeleteAfter = now + DeleteGrace;
    }

    public static SessionNote Create(Guid workspaceId, Guid clientId, DateOnly sessionDate, Guid? appointmentId = null, Guid? createdByUserId = null) =>
        new() { WorkspaceId = workspaceId, ClientId = clientId, SessionDate = sessionDate, AppointmentId = appointmentId, CreatedByUserId = createdByUserId };
}

public sealed class SessionNoteVersion : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid SessionNoteId { get; private set; }
    public int VersionNumber { get; private set; }
    public string? Subjective { get; private set; }
    public string? Objective { get; private set; }
    public string? Assessment { get; private set; }
    public string? Plan { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    private SessionNoteVersion() { }

    public static SessionNoteVersion Snapshot(SessionNote note, int versionNumber, Guid? userId) => new()
    {
        WorkspaceId = note.WorkspaceId, SessionNoteId = note.Id, VersionNumber = versionNumber,
        Subjective = note.Subjective, Objective = note.Objective, Assessment = note.Assessment, Plan = note.Plan,
        CreatedByUserId = userId,
    };
}
