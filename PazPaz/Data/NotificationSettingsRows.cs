using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Data;

/// <summary>The signed-in user's own notification settings, for the settings page and the API alike.</summary>
public static class NotificationSettingsRows
{
    /// <summary>
    /// The caller's settings row, tracked; created with the defaults (and saved) the first time anyone asks. Only the
    /// caller's own row is ever loaded: the user id comes from the session or token, never from the request.
    /// </summary>
    public static async Task<UserNotificationSettings> MineAsync(this PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        if (await db.NotificationSettings.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken) is { } existing) return existing;

        var hours = await db.Workspaces.Select(w => new { w.TimeZone, Mine = db.Users.Where(u => u.Id == userId).Select(u => u.WorkingHours).FirstOrDefault() })
            .SingleAsync(cancellationToken);
        var created = UserNotificationSettings.CreateDefaults(current.RequireWorkspaceId(), userId, WorkingWeek.For(hours.Mine, hours.TimeZone));
        db.NotificationSettings.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return created;
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            // Two first requests at once (two tabs): the other one created the row; use it.
            db.ChangeTracker.Clear();
            return await db.NotificationSettings.SingleAsync(s => s.UserId == userId, cancellationToken);
        }
    }
}
