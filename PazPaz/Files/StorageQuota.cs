using Microsoft.EntityFrameworkCore;
using PazPaz.Data;

namespace PazPaz.Files;

/// <summary>
/// A workspace's storage quota (§1) as two conditional UPDATEs on its row. Reserving adds the size only if the sum stays
/// within the quota, in one statement, so twenty uploads at once can never pass it together (PostgreSQL serializes the row
/// updates, and each re-checks the condition on the row as it stands). Usage counts the cleaned files' sizes.
/// </summary>
public static class StorageQuota
{
    /// <summary>True when <paramref name="bytes"/> were added to the usage; false when they would pass the quota.</summary>
    public static async Task<bool> TryReserveAsync(PazPazDb db, Guid workspaceId, long bytes, CancellationToken cancellationToken) =>
        await db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(w => w.Id == workspaceId && w.StorageUsedBytes + bytes <= w.StorageQuotaBytes)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.StorageUsedBytes, w => w.StorageUsedBytes + bytes), cancellationToken) == 1;

    /// <summary>Gives back what an upload reserved (it failed) or what a purged file used. Never below zero.</summary>
    public static Task ReleaseAsync(PazPazDb db, Guid workspaceId, long bytes, CancellationToken cancellationToken) =>
        db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.StorageUsedBytes, w => w.StorageUsedBytes > bytes ? w.StorageUsedBytes - bytes : 0),
                cancellationToken);

    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0} KB",
        _ => $"{bytes} bytes",
    };
}
