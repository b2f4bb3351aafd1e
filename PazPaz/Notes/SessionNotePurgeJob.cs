using Hangfire;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Notes;

/// <summary>
/// Daily: removes for good the session notes deleted more than 30 days ago (<see cref="SessionNote.DeleteGrace"/>), with
/// their versions. Each row removed is audited by the SaveChanges interceptor as a delete by no user, with the field names
/// it held and never a personal value. Amended notes cannot be deleted, so this never touches the kept clinical record.
/// </summary>
public sealed class SessionNotePurgeJob(PazPazDb db, TimeProvider clock, ILogger<SessionNotePurgeJob> logger)
{
    public const string RecurringId = "session-notes-purge-daily";
    private const int BatchSize = 200;

    /// <summary>A missed day needs no retry: the next run removes everything that fell due meanwhile.</summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var purged = 0;
        while (true)
        {
            // Every practice (a job sees across the wall), deleted notes only, in small batches so a backlog never
            // holds many rows in memory or one long transaction. Notes with attachments wait: their files go first.
            var due = await db.SessionNotes.IgnoreQueryFilters()
                .Where(n => n.DeletedAt != null && n.PermanentDeleteAfter <= now && n.AmendmentCount == 0 && n.Status != SessionNoteStatus.Amended)
                .Where(n => !db.Attachments.IgnoreQueryFilters().Any(a => a.SessionNoteId == n.Id))
                .OrderBy(n => n.PermanentDeleteAfter).ThenBy(n => n.Id)
                .Include(n => n.Versions)
                .Take(BatchSize).ToListAsync(cancellationToken);
            if (due.Count == 0) break;
            foreach (var note in due)
            {
                db.SessionNoteVersions.RemoveRange(note.Versions);
                db.SessionNotes.Remove(note);
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            purged += due.Count;
            if (due.Count < BatchSize) break;
        }
        if (purged > 0) logger.LogInformation("Purged {Purged} session notes deleted over {Days} days ago", purged, SessionNote.DeleteGrace.TotalDays);
        return purged;
    }
}
