using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Files;
using PazPaz.Scheduling;

namespace PazPaz.Notes;

/// <summary>
/// Every session-note operation, for the note pages and the API alike: the rules live on <see cref="SessionNote"/>, this
/// class loads, checks the caller may see notes, calls the verb, saves (with the optimistic concurrency check) and audits
/// reads. Writes name the <see cref="SessionNote.Revision"/> they started from; a stale one gets
/// <see cref="NoteResult.Conflict"/> with the stored note, never a silent overwrite.
/// </summary>
public sealed class SessionNotes(PazPazDb db, CurrentUser current, Booking booking, ReadAudit reads, TimeProvider clock)
{
    public const int SearchMaxLength = 200;
    public const int PreviewMaxLength = 160;

    /// <summary>Null when the signed-in user may see session notes; otherwise why not (assistants, §12).</summary>
    public async Task<string?> WhyNotAllowedAsync(CancellationToken cancellationToken = default)
    {
        if (await RoleGate.RoleAsync(current, db, cancellationToken) is not { } role) return "Sign in to see session notes.";
        return RolePolicy.WhyNot(role, Area.ClinicalRecord);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// "Write note" on an appointment: its note if it has one (one note per appointment), else a new draft dated the
    /// appointment's day in the practice's zone, as long as the appointment's length. <paramref name="edit"/> fills the new
    /// draft (the API's body); it is not applied to an existing note — <see cref="NoteResult.Saved.Created"/> tells which.
    /// </summary>
    public async Task<NoteResult> OpenForAppointmentAsync(Guid appointmentId, Func<SessionNoteContent, SessionNoteContent>? edit = null,
        CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        var appointment = await db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId)
            .Select(a => new { a.Id, a.ClientId, a.ScheduledStart, a.ScheduledEnd, a.Status }).FirstOrDefaultAsync(cancellationToken);
        if (appointment is null) return new NoteResult.NotFound("Appointment");
        if (await db.SessionNotes.FirstOrDefaultAsync(n => n.AppointmentId == appointmentId, cancellationToken) is { } existing)
            return new NoteResult.Saved(existing);
        if (appointment.Status == AppointmentStatus.Cancelled)
            return NoteResult.Invalid.Of("AppointmentId", "This appointment was cancelled, so there is no session to write about. Restore it first.");

        var zone = await ZoneAsync(cancellationToken);
        var today = Today(zone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(appointment.ScheduledStart, zone).DateTime);
        if (day > today)
            return NoteResult.Invalid.Of(nameof(SessionNoteContent.SessionDate),
                $"This session is on {day.ToString("dddd d MMMM", CultureInfo.InvariantCulture)}; its note can be written from that day on.");
        var minutes = (int)Math.Clamp((appointment.ScheduledEnd - appointment.ScheduledStart).TotalMinutes, 0, SessionNote.MaxDurationMinutes);
        var content = new SessionNoteContent(null, null, null, null, day, minutes);
        if (edit is not null) content = edit(content);
        if (SessionNote.Problems(content, today) is { Count: > 0 } problems) return new NoteResult.Invalid(problems);

        var note = SessionNote.Create(current.RequireWorkspaceId(), appointment.ClientId, content, today, appointment.Id, current.UserId);
        db.SessionNotes.Add(note);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two "write note" clicks at once (two tabs): the other one created it; open that one.
            db.ChangeTracker.Clear();
            var winner = await db.SessionNotes.FirstOrDefaultAsync(n => n.AppointmentId == appointmentId, cancellationToken);
            return winner is null ? new NoteResult.NotFound("Session note") : new NoteResult.Saved(winner);
        }
        return new NoteResult.Saved(note, Created: true);
    }

    /// <summary>"New note" on a client's page: a draft not tied to an appointment, dated today unless <paramref name="edit"/> says otherwise.</summary>
    public async Task<NoteResult> CreateStandaloneAsync(Guid clientId, Func<SessionNoteContent, SessionNoteContent>? edit = null,
        CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, cancellationToken)) return new NoteResult.NotFound("Client");
        var today = Today(await ZoneAsync(cancellationToken));
        var content = new SessionNoteContent(null, null, null, null, today);
        if (edit is not null) content = edit(content);
        if (SessionNote.Problems(content, today) is { Count: > 0 } problems) return new NoteResult.Invalid(problems);

        var note = SessionNote.Create(current.RequireWorkspaceId(), clientId, content, today, createdByUserId: current.UserId);
        db.SessionNotes.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        return new NoteResult.Saved(note, Created: true);
    }

    /// <summary>Autosave of a draft. <paramref name="expectedRevision"/>: the revision the editor loaded (null: no check).</summary>
    public Task<NoteResult> SaveDraftAsync(Guid id, uint? expectedRevision, Func<SessionNoteContent, SessionNoteContent> edit,
        CancellationToken cancellationToken = default) => ChangeAsync(id, expectedRevision, edit, Change.Draft, cancellationToken);

    /// <summary>Amends a finalized note: the new text becomes the next version of its history.</summary>
    public Task<NoteResult> AmendAsync(Guid id, uint? expectedRevision, Func<SessionNoteContent, SessionNoteContent> edit,
        CancellationToken cancellationToken = default) => ChangeAsync(id, expectedRevision, edit, Change.Amend, cancellationToken);

    /// <summary>The API's update: a draft is saved as a draft, a finalized note is amended.</summary>
    public Task<NoteResult> UpdateAsync(Guid id, uint? expectedRevision, Func<SessionNoteContent, SessionNoteContent> edit,
        CancellationToken cancellationToken = default) => ChangeAsync(id, expectedRevision, edit, Change.DraftOrAmend, cancellationToken);

    private enum Change { Draft, Amend, DraftOrAmend }

    private async Task<NoteResult> ChangeAsync(Guid id, uint? expectedRevision, Func<SessionNoteContent, SessionNoteContent> edit, Change change,
        CancellationToken cancellationToken)
    {
        if (expectedRevision is not null) return await ChangeOnceAsync(id, expectedRevision, edit, change, cancellationToken);

        // A caller that names no revision asked for no check ("last write wins"): such saves wait for each other on the
        // note's row lock, so none loses a race and reports a conflict nobody asked about, however many arrive at once.
        var workspaceId = current.RequireWorkspaceId();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM session_notes WHERE id = {id} AND workspace_id = {workspaceId} FOR UPDATE", cancellationToken);
            var result = await ChangeOnceAsync(id, expectedRevision, edit, change, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        });
    }

    private async Task<NoteResult> ChangeOnceAsync(Guid id, uint? expectedRevision, Func<SessionNoteContent, SessionNoteContent> edit, Change change,
        CancellationToken cancellationToken)
    {
        var (note, today) = await LoadAsync(id, includeDeleted: false, cancellationToken);
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (note is null) return new NoteResult.NotFound("Session note");
        if (expectedRevision is { } expected && expected != note.Revision) return new NoteResult.Conflict(note);

        var content = edit(note.Content());
        var asDraft = change == Change.Draft || (change == Change.DraftOrAmend && note.IsDraft);
        var why = asDraft ? note.WhyNotSaveDraft() : note.IsDraft || note.IsDeleted ? note.WhyNotAmend(content) : null;
        if (why is not null) return NoteResult.Invalid.Of("Status", why);
        var problems = SessionNote.Problems(content, today);
        if (!asDraft && content.IsEmpty)
            problems.TryAdd(nameof(SessionNoteContent.Subjective), note.WhyNotAmend(content)!);
        if (problems.Count > 0) return new NoteResult.Invalid(problems);

        if (asDraft) note.SaveDraft(content, today);
        else if (note.Amend(content, today, clock.GetUtcNow(), current.UserId) is { } version) db.SessionNoteVersions.Add(version);
        return await SaveAsync(note, cancellationToken);
    }

    /// <summary>
    /// Finalizes a draft (version 1). A scheduled appointment that has started is marked completed through
    /// <see cref="Booking.ChangeStatusAsync"/>, with the rules and e-mails of any status change, in the same transaction
    /// as the note; one that has not started yet stays scheduled (§4).
    /// </summary>
    public async Task<NoteResult> FinalizeAsync(Guid id, uint? expectedRevision, CancellationToken cancellationToken = default)
    {
        var (note, _) = await LoadAsync(id, includeDeleted: false, cancellationToken);
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (note is null) return new NoteResult.NotFound("Session note");
        if (expectedRevision is { } expected && expected != note.Revision) return new NoteResult.Conflict(note);
        if (note.WhyNotFinalize() is { } why) return NoteResult.Invalid.Of("Status", why);

        var now = clock.GetUtcNow();
        // Added explicitly: found only through the navigation, a version with its id already set would be taken for an update.
        db.SessionNoteVersions.Add(note.Finalize(now, current.UserId));
        if (note.AppointmentId is { } appointmentId &&
            await db.Appointments.FirstOrDefaultAsync(a => a.Id == appointmentId, cancellationToken) is { Status: AppointmentStatus.Scheduled } appointment &&
            appointment.ScheduledStart <= now)
        {
            try
            {
                // Booking saves everything this context tracks, so the finalized note commits with the completion.
                if (await booking.ChangeStatusAsync(appointmentId, AppointmentStatus.Completed, allowConflict: true, cancellationToken) is BookingResult.Saved)
                    return new NoteResult.Saved(note);
            }
            catch (DbUpdateConcurrencyException)
            {
                return await ConflictAsync(id, cancellationToken);
            }
        }
        return await SaveAsync(note, cancellationToken);
    }

    /// <summary>Soft delete with a reason (drafts and finalized notes never amended); restorable for 30 days.</summary>
    public async Task<NoteResult> DeleteAsync(Guid id, string? reason, uint? expectedRevision, CancellationToken cancellationToken = default)
    {
        var (note, _) = await LoadAsync(id, includeDeleted: false, cancellationToken);
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (note is null) return new NoteResult.NotFound("Session note");
        if (expectedRevision is { } expected && expected != note.Revision) return new NoteResult.Conflict(note);
        if (note.WhyNotDelete() is { } why) return NoteResult.Invalid.Of("Status", why);
        if (SessionNote.ReasonProblems(reason) is { Count: > 0 } problems) return new NoteResult.Invalid(problems);

        var now = clock.GetUtcNow();
        note.Delete(reason!, now);
        await NoteFiles.DeleteWithNoteAsync(db, note.Id, now, cancellationToken);
        return await SaveAsync(note, cancellationToken);
    }

    /// <summary>
    /// Brings back a deleted note within its 30 days. If its appointment was deleted meanwhile the note comes back as a
    /// standalone note of the client; if the appointment got another note meanwhile, restoring is refused (one note per appointment).
    /// </summary>
    public async Task<NoteResult> RestoreAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var (note, _) = await LoadAsync(id, includeDeleted: true, cancellationToken);
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (note is null) return new NoteResult.NotFound("Session note");
        var now = clock.GetUtcNow();
        if (note.WhyNotRestore(now) is { } why) return NoteResult.Invalid.Of("Status", why);
        if (note.AppointmentId is { } appointmentId)
        {
            if (!await db.Appointments.AnyAsync(a => a.Id == appointmentId, cancellationToken)) note.UnlinkFromAppointment();
            else if (await db.SessionNotes.AnyAsync(n => n.AppointmentId == appointmentId && n.Id != id, cancellationToken))
                return NoteResult.Invalid.Of("AppointmentId",
                    "This appointment has another session note now. Delete that one first to bring this one back.");
        }
        note.Restore(now);
        await NoteFiles.RestoreWithNoteAsync(db, note.Id, now, cancellationToken);
        return await SaveAsync(note, cancellationToken);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading (every read audited, through RecordReadAsync and ReadAudit)
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>One note with its versions (newest first), for reading or editing; the read is audited.</summary>
    /// <param name="via">Where it was read ("page", "api"), kept in the audit event.</param>
    public async Task<NoteResult> GetForReadingAsync(Guid id, string via, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        var notes = includeDeleted ? db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]) : db.SessionNotes;
        var note = await notes.AsNoTracking().Include(n => n.Versions.OrderByDescending(v => v.VersionNumber))
            .FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (note is null) return new NoteResult.NotFound("Session note");
        await RecordReadAsync([note.Id], via, cancellationToken);
        return new NoteResult.Found(note);
    }

    /// <summary>
    /// A page of notes, newest session first (versions not loaded); the page's notes are recorded as read in one event.
    /// With <see cref="NoteFilter.Search"/>, the client's notes are searched in memory (see <see cref="Matches"/>).
    /// </summary>
    public async Task<NoteResult> ListAsync(NoteFilter filter, int page, int pageSize, string via, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        var words = Words(filter.Search);
        if (words.Length > 0 && filter.ClientId is null)
            return NoteResult.Invalid.Of(nameof(NoteFilter.Search), "Search works within one client's notes: give the client too.");

        var now = clock.GetUtcNow();
        var notes = filter.Deleted
            ? db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).Where(n => n.DeletedAt != null && n.PermanentDeleteAfter > now)
            : db.SessionNotes;
        notes = notes.AsNoTracking();
        if (filter.ClientId is { } clientId) notes = notes.Where(n => n.ClientId == clientId);
        if (filter.AppointmentId is { } appointmentId) notes = notes.Where(n => n.AppointmentId == appointmentId);
        if (filter.Status is { } status) notes = notes.Where(n => n.Status == status);
        if (filter.From is { } from) notes = notes.Where(n => n.SessionDate >= from);
        if (filter.To is { } to) notes = notes.Where(n => n.SessionDate <= to);
        if (filter.UpdatedSince is { } since) notes = notes.Where(n => n.UpdatedAt >= since);
        var ordered = notes.OrderByDescending(n => n.SessionDate).ThenByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id);

        List<SessionNote> items;
        int total;
        if (words.Length == 0)
        {
            total = await notes.CountAsync(cancellationToken);
            items = await ordered.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        }
        else
        {
            var matching = (await ordered.ToListAsync(cancellationToken))
                .Where(n => Matches(words, n.Subjective, n.Objective, n.Assessment, n.Plan)).ToList();
            total = matching.Count;
            items = matching.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        }
        await RecordReadAsync(items.Select(n => n.Id).ToList(), via, cancellationToken);
        return new NoteResult.Listed(items, total);
    }

    /// <summary>
    /// A client's notes for their page, newest first: date, status, amendments and the opening of the assessment (the only
    /// field decrypted, unless searching). <paramref name="deleted"/>: the "Recently deleted" list instead (still restorable).
    /// </summary>
    public async Task<NoteResult> TimelineAsync(Guid clientId, string? search, string via, bool deleted = false, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(cancellationToken) is { } forbidden) return new NoteResult.Forbidden(forbidden);
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, cancellationToken)) return new NoteResult.NotFound("Client");
        var words = Words(search);
        var now = clock.GetUtcNow();
        var notes = deleted
            ? db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).Where(n => n.DeletedAt != null && n.PermanentDeleteAfter > now)
            : db.SessionNotes;
        var rows = notes.AsNoTracking().Where(n => n.ClientId == clientId)
            .OrderByDescending(n => n.SessionDate).ThenByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id);

        List<TimelineEntry> entries;
        if (words.Length == 0)
        {
            entries = (await rows.Select(n => new
                {
                    n.Id, n.AppointmentId, n.SessionDate, n.DurationMinutes, n.Status, n.AmendmentCount, n.Assessment, n.UpdatedAt,
                    n.DeletedAt, n.PermanentDeleteAfter,
                }).ToListAsync(cancellationToken))
                .Select(n => new TimelineEntry(n.Id, n.AppointmentId, n.SessionDate, n.DurationMinutes, n.Status, n.AmendmentCount,
                    Preview(n.Assessment), n.UpdatedAt, n.DeletedAt, n.PermanentDeleteAfter)).ToList();
        }
        else
        {
            entries = (await rows.Select(n => new
                {
                    n.Id, n.AppointmentId, n.SessionDate, n.DurationMinutes, n.Status, n.AmendmentCount, n.Subjective, n.Objective,
                    n.Assessment, n.Plan, n.UpdatedAt, n.DeletedAt, n.PermanentDeleteAfter,
                }).ToListAsync(cancellationToken))
                .Where(n => Matches(words, n.Subjective, n.Objective, n.Assessment, n.Plan))
                .Select(n => new TimelineEntry(n.Id, n.AppointmentId, n.SessionDate, n.DurationMinutes, n.Status, n.AmendmentCount,
                    Preview(n.Assessment), n.UpdatedAt, n.DeletedAt, n.PermanentDeleteAfter)).ToList();
        }
        await RecordReadAsync(entries.Select(e => e.Id).ToList(), via, cancellationToken);
        return new NoteResult.Timeline(entries);
    }

    /// <summary>A read of session notes (one or a list), recorded through <see cref="ReadAudit"/> like every read of health data.</summary>
    public Task RecordReadAsync(IReadOnlyList<Guid> noteIds, string via, CancellationToken cancellationToken = default) =>
        reads.RecordAsync(nameof(SessionNote), noteIds, via, cancellationToken);

    /// <summary>
    /// Search within one client's notes. The SOAP fields are encrypted at rest (AES-GCM with a random nonce), so
    /// PostgreSQL cannot search them: the client's notes are decrypted here and matched in memory — every word must
    /// appear in one of the four fields, ignoring case (an ordinal, vectorized comparison: culture-aware matching that also
    /// ignored accents cost ~40 ms of CPU for 500 notes). That is acceptable because it only ever touches one
    /// client's notes, which the therapist may read anyway, the plaintext never leaves the process, and a client has tens
    /// to a few hundred notes (500 notes are decrypted and matched in a few milliseconds, see bench/RESULTS.md). Its limit:
    /// the cost grows with that client's notes, and it cannot search a whole practice (that would decrypt every note of
    /// every client on each keystroke); a practice-wide search would need keyed blind indexes (§12).
    /// </summary>
    public static bool Matches(string[] words, params string?[] fields)
    {
        foreach (var word in words)
        {
            var found = false;
            foreach (var field in fields)
                if (field is not null && field.Contains(word, StringComparison.OrdinalIgnoreCase)) { found = true; break; }
            if (!found) return false;
        }
        return true;
    }

    public static string[] Words(string? search) =>
        (search ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The first lines of the assessment, shortened to a line or two on the timeline.</summary>
    public static string? Preview(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var preview = string.Join(" · ", lines.Take(2));
        return preview.Length <= PreviewMaxLength ? preview : preview[..(PreviewMaxLength - 1)].TrimEnd() + "…";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The note (tracked) and the practice's today, in one round trip (autosave runs this every second of typing). The
    /// caller checks the role (known from the request) before anything is used: an assistant is refused even a note that exists.
    /// </summary>
    private async Task<(SessionNote? Note, DateOnly Today)> LoadAsync(Guid id, bool includeDeleted, CancellationToken cancellationToken)
    {
        var notes = includeDeleted ? db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]) : db.SessionNotes;
        var row = await notes.Where(n => n.Id == id)
            .Select(n => new { Note = n, Zone = db.Workspaces.Select(w => w.TimeZone).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null) return (null, default);
        return (row.Note, Today(TimeZones.Find(row.Zone ?? "UTC")));
    }

    private async Task<TimeZoneInfo> ZoneAsync(CancellationToken cancellationToken) =>
        TimeZones.Find(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));

    private DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);

    /// <summary>Saves; a concurrent write that got there first (the row's xmin moved) becomes a conflict, nothing overwritten.</summary>
    private async Task<NoteResult> SaveAsync(SessionNote note, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new NoteResult.Saved(note);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConflictAsync(note.Id, cancellationToken);
        }
    }

    private async Task<NoteResult> ConflictAsync(Guid id, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var stored = await db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        return stored is null ? new NoteResult.NotFound("Session note") : new NoteResult.Conflict(stored);
    }
}
