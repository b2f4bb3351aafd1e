using Hangfire;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Files;

/// <summary>
/// Daily, before the session-notes purge: removes for good the files deleted more than 30 days ago
/// (<see cref="Attachment.DeleteGrace"/>), their own and those deleted with their note. The bytes go first (deleting an
/// object twice is harmless, so a crash in between only repeats that step tomorrow); then, in one transaction, the row goes
/// (audited by the SaveChanges interceptor as a delete by no user, names of personal fields only) and its size is given
/// back to the workspace's quota.
/// </summary>
public sealed class AttachmentPurgeJob(PazPazDb db, FileVault vault, TimeProvider clock, ILogger<AttachmentPurgeJob> logger)
{
    public const string RecurringId = "attachments-purge-daily";
    private const int BatchSize = 100;

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var purged = 0;
        while (true)
        {
            var due = await db.Attachments.IgnoreQueryFilters()
                .Where(a => a.DeletedAt != null && a.PermanentDeleteAfter <= now)
                .OrderBy(a => a.PermanentDeleteAfter).ThenBy(a => a.Id)
                .Take(BatchSize).ToListAsync(cancellationToken);
            if (due.Count == 0) break;
            foreach (var attachment in due)
            {
                await vault.DeleteAsync(attachment.StorageKey, cancellationToken);
                if (attachment.HasThumbnail) await vault.DeleteAsync(attachment.ThumbnailKey, cancellationToken);
            }
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                db.Attachments.RemoveRange(due);
                await db.SaveChangesAsync(cancellationToken);
                foreach (var usage in due.GroupBy(a => a.WorkspaceId))
                    await StorageQuota.ReleaseAsync(db, usage.Key, usage.Sum(a => a.SizeBytes), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            db.ChangeTracker.Clear();
            purged += due.Count;
            if (due.Count < BatchSize) break;
        }
        if (purged > 0) logger.LogInformation("Purged {Purged} files deleted over {Days} days ago", purged, Attachment.DeleteGrace.TotalDays);
        return purged;
    }
}
