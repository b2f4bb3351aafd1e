using System.Globalization;

namespace PazPaz.Domain;

public enum SessionNoteStatus { Draft, Finalized, Amended }

/// <summary>
/// What the therapist writes, as one value: the note page and the API both build one, ask
/// <see cref="SessionNote.Problems"/> what is wrong with it field by field, and hand it to the note's verbs.
/// </summary>
public sealed record SessionNoteContent(
    string? Subjective,
    string? Objective,
    string? Assessment,
    string? Plan,
    DateOnly SessionDate,
    int? DurationMinutes = null)
{
    /// <summary>True when no SOAP field holds anything but white space.</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(Subjective) && string.IsNullOrWhiteSpace(Objective)
        && string.IsNullOrWhiteSpace(Assessment) && string.IsNullOrWhiteSpace(Plan);
}

/// <summary>
/// A SOAP note, for an appointment (one per appointment) or standalone for a client. A draft is saved as often as the
/// therapist types; <see cref="Finalize"/> stores version 1; every <see cref="Amend"/> after that stores the new text as the
/// next version, so the history holds every text the note ever had once finalized, the newest equal to the note itself.
/// A finalized or amended note never returns to draft and no version is ever removed.
/// </summary>
public sealed class SessionNote : IWorkspaceOwned
{
    public const int FieldMaxLength = 5_000;
    public const int MaxDurationMinutes = 480;
    public const int ReasonMaxLength = 500;
    public static readonly TimeSpan DeleteGrace = TimeSpan.FromDays(30);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? AppointmentId { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public string? Subjective { get; private set; }
    public string? Objective { get; private set; }
    public string? Assessment { get; private set; }
    public string? Plan { get; private set; }
    /// <summary>The practice's calendar date of the session (read in the workspace's time zone).</summary>
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
    /// <summary>
    /// Optimistic concurrency: PostgreSQL's <c>xmin</c>, which changes with every write of the row. A save names the
    /// revision it started from and is refused when the row has moved on (another tab, another device, the API).
    /// </summary>
    public uint Revision { get; private set; }

    public Client? Client { get; private set; }
    public Appointment? Appointment { get; private set; }
    public List<SessionNoteVersion> Versions { get; private set; } = [];

    private SessionNote() { }

    public bool IsDraft => Status == SessionNoteStatus.Draft;
    public bool IsDeleted => DeletedAt is not null;
    public bool WasAmended => Status == SessionNoteStatus.Amended || AmendmentCount > 0;

    /// <summary>The note's text and date as they stand, to be changed with <c>with { … }</c> (a partial API update).</summary>
    public SessionNoteContent Content() => new(Subjective, Objective, Assessment, Plan, SessionDate, DurationMinutes);

    /// <summary>
    /// What is wrong with <paramref name="content"/>, keyed by <see cref="SessionNoteContent"/> property name; empty when it
    /// can be saved as a draft. <paramref name="today"/> is the practice's date: a session cannot be in the future.
    /// </summary>
    public static Dictionary<string, string> Problems(SessionNoteContent content, DateOnly today)
    {
        var problems = new Dictionary<string, string>();
        void Check(string field, string? problem) { if (problem is not null) problems[field] = problem; }

        Check(nameof(SessionNoteContent.Subjective), TextProblem(content.Subjective, "Subjective"));
        Check(nameof(SessionNoteContent.Objective), TextProblem(content.Objective, "Objective"));
        Check(nameof(SessionNoteContent.Assessment), TextProblem(content.Assessment, "Assessment"));
        Check(nameof(SessionNoteContent.Plan), TextProblem(content.Plan, "Plan"));
        Check(nameof(SessionNoteContent.SessionDate),
            content.SessionDate > today ? "The session date cannot be in the future."
            : content.SessionDate.Year < 2000 ? "Enter a session date from the year 2000 on." : null);
        Check(nameof(SessionNoteContent.DurationMinutes), content.DurationMinutes is < 0 or > MaxDurationMinutes
            ? $"The duration is from 0 to {MaxDurationMinutes} minutes." : null);
        return problems;
    }

    /// <summary>Problems with a deletion reason, keyed "Reason".</summary>
    public static Dictionary<string, string> ReasonProblems(string? reason)
    {
        var problems = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(reason)) problems["Reason"] = "Say why the note is deleted.";
        else if (TextProblem(reason, "The reason", ReasonMaxLength) is { } problem) problems["Reason"] = problem;
        return problems;
    }

    /// <summary>A new draft. Throws <see cref="DomainException"/> when <see cref="Problems"/> finds anything.</summary>
    public static SessionNote Create(Guid workspaceId, Guid clientId, SessionNoteContent content, DateOnly today,
        Guid? appointmentId = null, Guid? createdByUserId = null)
    {
        Refuse(Problems(content, today));
        var note = new SessionNote { WorkspaceId = workspaceId, ClientId = clientId, AppointmentId = appointmentId, CreatedByUserId = createdByUserId };
        note.Apply(content);
        return note;
    }

    /// <summary>An empty draft for <paramref name="sessionDate"/> (no checks: for data set up by tests and the demo).</summary>
    public static SessionNote Create(Guid workspaceId, Guid clientId, DateOnly sessionDate, Guid? appointmentId = null, Guid? createdByUserId = null) =>
        new() { WorkspaceId = workspaceId, ClientId = clientId, SessionDate = sessionDate, AppointmentId = appointmentId, CreatedByUserId = createdByUserId };

    /// <summary>Why this note cannot be saved as a draft now, or null.</summary>
    public string? WhyNotSaveDraft() => IsDeleted ? DeletedMessage
        : IsDraft ? null
        : "This note is finalized: change it with an amendment, which keeps the finalized text in its history.";

    /// <summary>Autosave: replaces the draft's text. Returns false when nothing changed (nothing to write).</summary>
    public bool SaveDraft(SessionNoteContent content, DateOnly today)
    {
        if (WhyNotSaveDraft() is { } reason) throw new DomainException(reason);
        Refuse(Problems(content, today));
        return Apply(content);
    }

    public string? WhyNotFinalize() => IsDeleted ? DeletedMessage
        : !IsDraft ? "This note is already finalized."
        : Content().IsEmpty ? "Write at least one of subjective, objective, assessment or plan before finalizing."
        : null;

    /// <summary>Ends the draft: the text becomes version 1 of the history, kept forever.</summary>
    public SessionNoteVersion Finalize(DateTimeOffset now, Guid? userId)
    {
        if (WhyNotFinalize() is { } reason) throw new DomainException(reason);
        Status = SessionNoteStatus.Finalized;
        FinalizedAt = now;
        CurrentVersion = 1;
        var version = SessionNoteVersion.Snapshot(this, CurrentVersion, userId, now);
        Versions.Add(version);
        return version;
    }

    public string? WhyNotAmend(SessionNoteContent content) => IsDeleted ? DeletedMessage
        : IsDraft ? "A draft is not finalized yet: save it as a draft instead of amending it."
        : content.IsEmpty ? "An amended note keeps at least one of subjective, objective, assessment or plan."
        : null;

    /// <summary>
    /// Changes a finalized note. The text it had is already the newest version of the history; the amended text becomes
    /// the next version, so nothing that was ever finalized is lost. Returns null (and changes nothing) when the content
    /// is the same. The note stays amended: there is no way back to draft.
    /// </summary>
    public SessionNoteVersion? Amend(SessionNoteContent content, DateOnly today, DateTimeOffset now, Guid? userId)
    {
        if (WhyNotAmend(content) is { } reason) throw new DomainException(reason);
        Refuse(Problems(content, today));
        var textChanged = Normalize(content.Subjective) != Subjective || Normalize(content.Objective) != Objective
            || Normalize(content.Assessment) != Assessment || Normalize(content.Plan) != Plan;
        if (!Apply(content)) return null;
        if (!textChanged) return null; // only the date or duration moved: the text history is unchanged
        Status = SessionNoteStatus.Amended;
        AmendedAt = now;
        AmendmentCount++;
        CurrentVersion++;
        var version = SessionNoteVersion.Snapshot(this, CurrentVersion, userId, now);
        Versions.Add(version);
        return version;
    }

    public string? WhyNotDelete() => IsDeleted ? "This note is already deleted."
        : WasAmended ? "An amended session note is part of the medical record and cannot be deleted."
        : null;

    /// <summary>Soft delete with a reason: gone from every list, restorable for 30 days, then purged with its versions.</summary>
    public void Delete(string reason, DateTimeOffset now)
    {
        if (WhyNotDelete() is { } why) throw new DomainException(why);
        Refuse(ReasonProblems(reason));
        DeletedAt = now;
        DeletedReason = reason.Trim();
        PermanentDeleteAfter = now + DeleteGrace;
    }

    public string? WhyNotRestore(DateTimeOffset now) => !IsDeleted ? "This note is not deleted."
        : now >= PermanentDeleteAfter ? "The 30 days to restore this note have passed."
        : null;

    /// <summary>Brings a deleted note back within its grace period, as it was.</summary>
    public void Restore(DateTimeOffset now)
    {
        if (WhyNotRestore(now) is { } reason) throw new DomainException(reason);
        DeletedAt = null;
        DeletedReason = null;
        PermanentDeleteAfter = null;
    }

    /// <summary>True once the grace period of a deleted note has passed: the daily job removes it for good.</summary>
    public bool IsDueForPurge(DateTimeOffset now) => IsDeleted && PermanentDeleteAfter <= now;

    /// <summary>Keeps the note for the client when its appointment is deleted.</summary>
    public void UnlinkFromAppointment() => AppointmentId = null;

    private const string DeletedMessage = "This note was deleted; restore it first.";

    private bool Apply(SessionNoteContent content)
    {
        var (s, o, a, p) = (Normalize(content.Subjective), Normalize(content.Objective), Normalize(content.Assessment), Normalize(content.Plan));
        if (s == Subjective && o == Objective && a == Assessment && p == Plan && content.SessionDate == SessionDate
            && content.DurationMinutes == DurationMinutes) return false;
        (Subjective, Objective, Assessment, Plan) = (s, o, a, p);
        SessionDate = content.SessionDate;
        DurationMinutes = content.DurationMinutes;
        return true;
    }

    /// <summary>Typing is kept exactly as typed (spaces and line breaks matter in a draft); only an all-blank field is null.</summary>
    private static string? Normalize(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static void Refuse(Dictionary<string, string> problems)
    {
        if (problems.Count > 0) throw new DomainException(problems.Values.First());
    }

    /// <summary>
    /// Length, and text PostgreSQL or UTF-8 cannot hold faithfully: NUL, and half of a surrogate pair (which would be
    /// silently replaced by U+FFFD when encrypted, so the note would not read back as written).
    /// </summary>
    private static string? TextProblem(string? text, string what, int max = FieldMaxLength)
    {
        if (text is null) return null;
        if (text.Length > max) return string.Create(CultureInfo.InvariantCulture, $"{what} is at most {max:N0} characters (now {text.Length:N0}).");
        if (text.Contains('\0')) return $"{what} contains a NUL character, which cannot be stored.";
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i])) return $"{what} contains an incomplete character (a lone UTF-16 surrogate).";
        }
        return null;
    }
}

/// <summary>One finalized text of a note, kept forever: version 1 when finalized, one more per amendment.</summary>
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

    public static SessionNoteVersion Snapshot(SessionNote note, int versionNumber, Guid? userId, DateTimeOffset? at = null) => new()
    {
        WorkspaceId = note.WorkspaceId, SessionNoteId = note.Id, VersionNumber = versionNumber,
        Subjective = note.Subjective, Objective = note.Objective, Assessment = note.Assessment, Plan = note.Plan,
        CreatedByUserId = userId, CreatedAt = at ?? default,
    };
}
