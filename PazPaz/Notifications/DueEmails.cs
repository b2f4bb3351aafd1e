using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Notifications;

/// <summary>
/// Finds the digests, session-notes reminders and appointment reminders due now (see <see cref="NotificationPlanner"/>)
/// and claims one delivery row per occasion. The insert skips rows that exist already, so any number of workers may
/// run this at once, and again every minute, without an e-mail being claimed twice.
/// </summary>
public sealed class DueEmails(PazPazDb db, ILogger<DueEmails> logger)
{
    public async Task<int> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Jobs run outside any request: no workspace wall, every practice at once.
        var users = await (
            from u in db.Users.IgnoreQueryFilters()
            join w in db.Workspaces.IgnoreQueryFilters() on u.WorkspaceId equals w.Id
            join s in db.NotificationSettings.IgnoreQueryFilters() on u.Id equals s.UserId into settings
            from s in settings.DefaultIfEmpty()
            where u.IsActive && w.Status == WorkspaceStatus.Active && (s == null || s.EmailEnabled)
            select new { u.Id, u.WorkspaceId, w.TimeZone, Settings = s })
            .AsNoTracking().ToListAsync(cancellationToken);

        var zones = new Dictionary<string, TimeZoneInfo>();
        var occasions = new List<Occasion>();
        var remindable = new Dictionary<Guid, List<(Guid UserId, int Minutes)>>();
        foreach (var user in users)
        {
            var settings = user.Settings ?? UserNotificationSettings.CreateDefaults(user.WorkspaceId, user.Id);
            if (!zones.TryGetValue(user.TimeZone, out var zone)) zones[user.TimeZone] = zone = TimeZones.Find(user.TimeZone);
            occasions.AddRange(NotificationPlanner.DailyOccasions(DailySchedule.From(settings, zone), now));
            if (settings.ReminderEnabled)
            {
                if (!remindable.TryGetValue(user.WorkspaceId, out var list)) remindable[user.WorkspaceId] = list = [];
                list.Add((user.Id, settings.ReminderMinutes));
            }
        }

        if (remindable.Count > 0)
        {
            // Only appointments whose reminder could be due for one of the allowed lead times.
            var minutes = UserNotificationSettings.AllowedReminderMinutes;
            var lows = minutes.Select(m => now - NotificationPlanner.CatchUp + TimeSpan.FromMinutes(m)).ToArray();
            var highs = minutes.Select(m => now + TimeSpan.FromMinutes(m)).ToArray();
            var (lowest, highest) = (lows.Min(), highs.Max());
            var appointments = await db.Appointments
                .FromSql($"""
                    SELECT * FROM appointments a
                    WHERE a.status = 'scheduled' AND a.deleted_at IS NULL
                      AND a.scheduled_start > {lowest} AND a.scheduled_start <= {highest}
                      AND EXISTS (SELECT 1 FROM unnest({lows}, {highs}) AS band(low, high)
                                  WHERE a.scheduled_start > band.low AND a.scheduled_start <= band.high)
                    """)
                .IgnoreQueryFilters()
                .Select(a => new { a.Id, a.WorkspaceId, a.ScheduledStart, TimeSetAt = a.TimeSetAt ?? a.CreatedAt })
                .ToListAsync(cancellationToken);
            foreach (var a in appointments)
            {
                if (!remindable.TryGetValue(a.WorkspaceId, out var recipients)) continue; // suspended practice or nobody wants reminders
                foreach (var (userId, lead) in recipients)
                    if (NotificationPlanner.Reminder(new ReminderCandidate(a.Id, a.WorkspaceId, userId, a.ScheduledStart, a.TimeSetAt, lead), now) is { } reminder)
                        occasions.Add(reminder);
            }
        }

        var claimed = await InsertAsync(occasions, now, cancellationToken);
        if (claimed > 0)
            logger.LogInformation("Claimed {Claimed} e-mails due at {Now:u} ({Seen} due occasions seen, {Users} users planned) in {Elapsed:0} ms",
                claimed, now, occasions.Count, users.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return claimed;
    }

    /// <summary>Claims the occasions in one statement; the unique (user, kind, occasion) key turns repeats into no-ops.</summary>
    public async Task<int> InsertAsync(IReadOnlyCollection<Occasion> occasions, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (occasions.Count == 0) return 0;
        var ids = occasions.Select(_ => Guid.CreateVersion7()).ToArray();
        var workspaces = occasions.Select(o => o.WorkspaceId).ToArray();
        var users = occasions.Select(o => o.UserId).ToArray();
        var kinds = occasions.Select(o => o.Kind).ToArray();
        var keys = occasions.Select(o => o.OccasionKey).ToArray();
        var appointments = occasions.Select(o => o.AppointmentId).ToArray();
        var dues = occasions.Select(o => o.DueAt).ToArray();
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_deliveries (id, workspace_id, user_id, kind, occasion_key, appointment_id, due_at,
                                                 status, attempts, created_at, updated_at)
            SELECT o.id, o.workspace_id, o.user_id, o.kind, o.occasion_key, o.appointment_id, o.due_at, 'pending', 0, {now}, {now}
            FROM unnest({ids}, {workspaces}, {users}, {kinds}, {keys}, {appointments}, {dues})
                 AS o(id, workspace_id, user_id, kind, occasion_key, appointment_id, due_at)
            ON CONFLICT (user_id, kind, occasion_key) DO NOTHING
            """, cancellationToken);
    }
}
