using Microsoft.EntityFrameworkCore;
using PazPaz.Data;

namespace PazPaz.Files;

/// <summary>
/// A note's files follow it (§6): deleting the note deletes them (restorable for the same 30 days, purged the same day), and
/// restoring the note brings back those that went with it (not those deleted on their own before). The changes are only
/// tracked here; the caller's SaveChanges writes them with the note.
/// </summary>
public static class NoteFiles
{
    public static async Task DeleteWithNoteAsync(PazPazDb db, Guid noteId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var file in await db.Attachments.Where(a => a.SessionNoteId == noteId).ToListAsync(cancellationToken))
            file.Delete(now, withNote: true);
    }

    public static async Task RestoreWithNoteAsync(PazPazDb db, Guid noteId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var files = await db.Attachments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter])
            .Where(a => a.SessionNoteId == noteId && a.DeletedWithNote).ToListAsync(cancellationToken);
        foreach (var file in files.Where(f => f.WhyNotRestore(now) is null)) file.Restore(now);
    }
}
