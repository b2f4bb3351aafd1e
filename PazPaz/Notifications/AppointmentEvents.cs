using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Notifications;

/// <summary>
/// Records "booked / cancelled / rescheduled / confirmed" e-mails as delivery rows right after an appointment is saved
/// (in the same transaction when there is one), so an SMTP outage delays them but cannot lose them; the minute job sends them.
/// They go to the practice's other users who want that e-mail; a change made through the API goes to everyone,
/// the token's owner included, because an integration made it, not the person.
/// </summary>
public sealed class AppointmentEvents(PazPazDb db, CurrentUser current, TimeProvider clock)
{
    public Task RecordAsync(Appointment appointment, string kind, CancellationToken cancellationToken = default) =>
        // Sequence and update time together name this one change; a later change of the same kind is a new e-mail.
        InsertAsync(appointment, kind, $"appointment:{appointment.Id}:seq:{appointment.Sequence}:{appointment.UpdatedAt.UtcTicks}", cancellationToken);

    /// <summary>
    /// One e-mail for a change to <paramref name="sessions"/> sessions of a series (booked, moved, cancelled), about its first
    /// session: a 104-session series is one "booked" e-mail, not 104. Reminders and digests stay per session.
    /// </summary>
    public Task RecordSeriesAsync(Appointment first, Guid seriesId, string kind, int sessions, CancellationToken cancellationToken = default) =>
        InsertAsync(first, kind, $"{SeriesKeyPrefix}{seriesId}:{sessions}:{first.Id}:{clock.GetUtcNow().UtcTicks}", cancellationToken);

    public const string SeriesKeyPrefix = "series:";

    /// <summary>How many sessions a series e-mail's key names (see <see cref="RecordSeriesAsync"/>); null for a single appointment's.</summary>
    public static int? SeriesSessions(string occasionKey) =>
        occasionKey.StartsWith(SeriesKeyPrefix, StringComparison.Ordinal) && occasionKey.Split(':') is { Length: > 2 } parts
            && int.TryParse(parts[2], out var n) ? n : null;

    private async Task InsertAsync(Appointment appointment, string kind, string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var actor = current.ViaApi ? Guid.Empty : current.UserId ?? Guid.Empty;
        if (current.ViaApi) key += ":api";
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_deliveries (id, workspace_id, user_id, kind, occasion_key, appointment_id, due_at,
                                                 status, attempts, created_at, updated_at)
            SELECT gen_random_uuid(), u.workspace_id, u.id, {kind}, {key}, {appointment.Id}, {now}, 'pending', 0, {now}, {now}
            FROM users u
            JOIN workspaces w ON w.id = u.workspace_id AND w.status = 'active'
            LEFT JOIN user_notification_settings s ON s.user_id = u.id
            WHERE u.workspace_id = {appointment.WorkspaceId} AND u.is_active AND u.id <> {actor}
              AND COALESCE(s.email_enabled, TRUE)
              AND COALESCE(CASE {kind}
                    WHEN 'appointment_booked' THEN s.notify_appointment_booked
                    WHEN 'appointment_cancelled' THEN s.notify_appointment_cancelled
                    WHEN 'appointment_rescheduled' THEN s.notify_appointment_rescheduled
                    WHEN 'appointment_confirmed' THEN s.notify_appointment_confirmed
                  END, TRUE)
            ON CONFLICT (user_id, kind, occasion_key) DO NOTHING
            """, cancellationToken);
    }

    /// <summary>The event a status change announces, if any.</summary>
    public static string? KindFor(AppointmentStatus from, AppointmentStatus to) => (from, to) switch
    {
        (_, AppointmentStatus.Cancelled) => NotificationKinds.Cancelled,
        (_, AppointmentStatus.Completed) => NotificationKinds.Confirmed,
        (AppointmentStatus.Cancelled, AppointmentStatus.Scheduled) => NotificationKinds.Booked,
        _ => null,
    };
}
