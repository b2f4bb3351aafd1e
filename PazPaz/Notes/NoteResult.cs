using PazPaz.Domain;

namespace PazPaz.Notes;

/// <summary>What <see cref="SessionNotes"/> answers; pages and the API each turn it into their own response.</summary>
public abstract record NoteResult
{
    /// <summary>Written (or nothing needed writing). <see cref="Created"/>: a new note, not one that already existed.</summary>
    public sealed record Saved(SessionNote Note, bool Created = false) : NoteResult;

    /// <summary>Read (and the read audited).</summary>
    public sealed record Found(SessionNote Note) : NoteResult;

    /// <summary>A page of notes (each read audited in one event).</summary>
    public sealed record Listed(List<SessionNote> Notes, int Total) : NoteResult;

    /// <summary>A client's timeline, newest first (its notes' reads audited in one event).</summary>
    public sealed record Timeline(List<TimelineEntry> Entries) : NoteResult;

    /// <summary>
    /// The note changed since the caller loaded it (another tab, device or integration): nothing was written.
    /// <see cref="Current"/> is the note as stored now, so both texts can be shown.
    /// </summary>
    public sealed record Conflict(SessionNote Current) : NoteResult;

    /// <summary>Nothing was written. Keyed by <see cref="SessionNoteContent"/> property name (or "Status", "Reason", "AppointmentId").</summary>
    public sealed record Invalid(Dictionary<string, string> Problems) : NoteResult
    {
        public static Invalid Of(string field, string message) => new(new Dictionary<string, string> { [field] = message });
    }

    public sealed record NotFound(string What) : NoteResult;

    /// <summary>The user's role may not see session notes (assistants).</summary>
    public sealed record Forbidden(string Reason) : NoteResult;
}

/// <summary>Filters of a note list (API list; the client timeline uses <see cref="ClientId"/> and <see cref="Search"/>).</summary>
public sealed record NoteFilter
{
    public Guid? ClientId { get; init; }
    public Guid? AppointmentId { get; init; }
    public SessionNoteStatus? Status { get; init; }
    /// <summary>Session dates from this day on (inclusive).</summary>
    public DateOnly? From { get; init; }
    /// <summary>Session dates up to this day (inclusive).</summary>
    public DateOnly? To { get; init; }
    public DateTimeOffset? UpdatedSince { get; init; }
    /// <summary>The deleted notes still in their 30 days (restorable) instead of the live ones.</summary>
    public bool Deleted { get; init; }
    /// <summary>Words to find in the SOAP text; only within one client's notes (<see cref="ClientId"/> required).</summary>
    public string? Search { get; init; }
}

/// <summary>One line of a client's timeline: enough to list, nothing decrypted but the assessment's opening.</summary>
public sealed record TimelineEntry(Guid Id, Guid? AppointmentId, DateOnly SessionDate, int? DurationMinutes, SessionNoteStatus Status,
    int AmendmentCount, string? AssessmentPreview, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt, DateTimeOffset? PermanentDeleteAfter);
