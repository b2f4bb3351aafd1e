using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Operations;

namespace PazPaz.Notifications;

/// <summary>What to do with one claimed delivery: send this message, or skip it for this reason.</summary>
public sealed record Composed(EmailMessage? Message, string? SkipReason);

/// <summary>
/// Writes the e-mails for a batch of claimed deliveries from the data as it is now, loading what the batch needs in a
/// few queries. Everything the planner checked is checked again here (user active, practice active, setting on,
/// appointment still as it was), so a change made after the claim still counts.
/// </summary>
public sealed class NotificationMessages(PazPazDb db, IOptions<PazPazOptions> options, TimeProvider clock)
{
    private static readonly AppointmentStatus[] Listed = [AppointmentStatus.Scheduled, AppointmentStatus.Completed, AppointmentStatus.NoShow];

    private readonly string baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
    private readonly Dictionary<(Guid, DateOnly), List<Appointment>> days = [];

    public async Task<Dictionary<Guid, Composed>> ComposeAsync(IReadOnlyList<NotificationDelivery> batch, CancellationToken cancellationToken = default)
    {
        var userIds = batch.Select(d => d.UserId).Distinct().ToList();
        var users = await db.Users.IgnoreQueryFilters().Where(u => userIds.Contains(u.Id)).AsNoTracking().ToDictionaryAsync(u => u.Id, cancellationToken);
        var workspaceIds = batch.Select(d => d.WorkspaceId).Distinct().ToList();
        var workspaces = await db.Workspaces.IgnoreQueryFilters().Where(w => workspaceIds.Contains(w.Id)).AsNoTracking().ToDictionaryAsync(w => w.Id, cancellationToken);
        var settings = await db.NotificationSettings.IgnoreQueryFilters().Where(s => userIds.Contains(s.UserId)).AsNoTracking().ToDictionaryAsync(s => s.UserId, cancellationToken);
        var appointmentIds = batch.Where(d => d.AppointmentId is not null).Select(d => d.AppointmentId!.Value).Distinct().ToList();
        var appointments = appointmentIds.Count == 0 ? [] : await db.Appointments.IgnoreQueryFilters()
            .Where(a => appointmentIds.Contains(a.Id)).Include(a => a.Client).Include(a => a.Service).Include(a => a.Location)
            .AsNoTracking().ToDictionaryAsync(a => a.Id, cancellationToken);

        await LoadDaysAsync(batch, workspaces, cancellationToken);

        var result = new Dictionary<Guid, Composed>();
        foreach (var delivery in batch)
        {
            // Sent on behalf of its inviter, to someone without an account yet: the invitation decides, not the inviter's settings.
            if (delivery.Kind == NotificationKinds.Invitation) { result[delivery.Id] = await Team.Invitations.ComposeAsync(db, baseUrl, delivery, clock.GetUtcNow(), cancellationToken); continue; }
            if (!users.TryGetValue(delivery.UserId, out var user) || !user.IsActive) { result[delivery.Id] = Skip("The user is no longer active."); continue; }
            if (!workspaces.TryGetValue(delivery.WorkspaceId, out var workspace) || !workspace.IsActive) { result[delivery.Id] = Skip("The practice is not active."); continue; }
            if (delivery.Kind == NotificationKinds.SignInLink) { result[delivery.Id] = await SignInLinkAsync(delivery, user, cancellationToken); continue; }
            var wants = settings.GetValueOrDefault(user.Id) ?? UserNotificationSettings.CreateDefaults(workspace.Id, user.Id);
            if (!Wants(wants, delivery.Kind)) { result[delivery.Id] = Skip("Turned off in the notification settings."); continue; }
            var zone = TimeZones.Find(workspace.TimeZone);
            var appointment = delivery.AppointmentId is { } id ? appointments.GetValueOrDefault(id) : null;
            result[delivery.Id] = delivery.Kind switch
            {
                NotificationKinds.Reminder => Reminder(delivery, user, workspace, zone, appointment, wants.ReminderMinutes),
                NotificationKinds.TodayDigest or NotificationKinds.TomorrowDigest => await DigestAsync(delivery, user, workspace, zone, cancellationToken),
                NotificationKinds.NotesReminder => await NotesAsync(delivery, user, workspace, zone, cancellationToken),
                NotificationKinds.Booked or NotificationKinds.Cancelled or NotificationKinds.Rescheduled or NotificationKinds.Confirmed =>
                    appointment is null ? Skip("The appointment is gone.")
                        : Send(EmailTemplates.AppointmentEvent(user.Email, baseUrl, workspace.TimeZone, delivery.Kind, Line(appointment, zone),
                            delivery.OccasionKey.EndsWith(":api", StringComparison.Ordinal), AppointmentEvents.SeriesSessions(delivery.OccasionKey))),
                _ => Skip($"Unknown kind '{delivery.Kind}'."),
            };
        }
        return result;
    }

    private Composed Reminder(NotificationDelivery delivery, User user, Workspace workspace, TimeZoneInfo zone, Appointment? appointment, int minutes)
    {
        if (appointment is null || appointment.IsDeleted || appointment.Status != AppointmentStatus.Scheduled) return Skip("The appointment is no longer scheduled.");
        // The key holds the start it was claimed for: a moved appointment has its own reminder.
        if (NotificationPlanner.ReminderKey(appointment.Id, appointment.ScheduledStart) != delivery.OccasionKey) return Skip("The appointment was moved.");
        if (appointment.ScheduledStart <= clock.GetUtcNow()) return Skip("The appointment has begun.");
        var lead = (int)Math.Round((appointment.ScheduledStart - delivery.DueAt).TotalMinutes);
        return Send(EmailTemplates.Reminder(user.Email, baseUrl, workspace.TimeZone, Line(appointment, zone), lead > 0 ? lead : minutes));
    }

    private async Task<Composed> DigestAsync(NotificationDelivery delivery, User user, Workspace workspace, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var tomorrow = delivery.Kind == NotificationKinds.TomorrowDigest;
        var day = NotificationPlanner.DateOf(delivery.OccasionKey).AddDays(tomorrow ? 1 : 0);
        var lines = (await DayAsync(workspace.Id, day, zone, cancellationToken)).Select(a => Line(a, zone)).ToList();
        return Send(EmailTemplates.Digest(user.Email, baseUrl, workspace.TimeZone, day, tomorrow, lines));
    }

    /// <summary>No one waits longer than this for a sign-in link: an older request (the mail server was down) is dropped.</summary>
    public static readonly TimeSpan SignInLinkWaitsAtMost = TimeSpan.FromHours(1);

    private async Task<Composed> SignInLinkAsync(NotificationDelivery delivery, User user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - delivery.DueAt > SignInLinkWaitsAtMost) return Skip("The sign-in request is over an hour old.");
        var message = await Auth.SignInLinks.ComposeAsync(db, baseUrl, delivery, user, now, cancellationToken);
        return message is null ? Skip("No active account has the address any more.") : Send(message);
    }

    private async Task<Composed> NotesAsync(NotificationDelivery delivery, User user, Workspace workspace, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var day = NotificationPlanner.DateOf(delivery.OccasionKey);
        var now = clock.GetUtcNow();
        var ended = (await DayAsync(workspace.Id, day, zone, cancellationToken))
            .Where(a => NotedSessions.WantsNote(a.Status, a.ScheduledEnd, now)).ToList();
        if (ended.Count == 0) return Skip("No appointment ended that day.");
        // The calendar's note marks use the same definition (Notes/NotedSessions).
        var noted = await db.SessionNotes.IgnoreQueryFilters().ForAppointmentsAsync(ended.Select(a => a.Id).ToList(), cancellationToken);
        var missing = ended.Where(a => NotedSessions.IsWithoutNote(a.Status, a.ScheduledEnd, now, noted.ContainsKey(a.Id)))
            .Select(a => Line(a, zone)).ToList();
        if (missing.Count == 0) return Skip("Every session of the day has a note.");
        return Send(EmailTemplates.NotesReminder(user.Email, baseUrl, workspace.TimeZone, day, missing));
    }

    /// <summary>A practice's appointments on a local day (cancelled ones left out), shared by every digest of the batch.</summary>
    private async Task<List<Appointment>> DayAsync(Guid workspaceId, DateOnly day, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        if (days.TryGetValue((workspaceId, day), out var cached)) return cached;
        var (from, to) = DayRange(day, zone);
        var list = await db.Appointments.IgnoreQueryFilters()
            .Where(a => a.WorkspaceId == workspaceId && a.DeletedAt == null && Listed.Contains(a.Status)
                        && a.ScheduledStart >= from && a.ScheduledStart < to)
            .Include(a => a.Client).Include(a => a.Service).Include(a => a.Location)
            .OrderBy(a => a.ScheduledStart).AsNoTracking().ToListAsync(cancellationToken);
        return days[(workspaceId, day)] = list;
    }

    /// <summary>
    /// Loads every practice-day the batch's digests and notes reminders need in one query (a minute's digests for many
    /// practices would otherwise cost a query each).
    /// </summary>
    private async Task LoadDaysAsync(IReadOnlyList<NotificationDelivery> batch, Dictionary<Guid, Workspace> workspaces, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<(Guid, DateOnly), (DateTimeOffset From, DateTimeOffset To)>();
        foreach (var d in batch)
        {
            if (d.Kind is not (NotificationKinds.TodayDigest or NotificationKinds.TomorrowDigest or NotificationKinds.NotesReminder)) continue;
            if (!workspaces.TryGetValue(d.WorkspaceId, out var workspace)) continue;
            var day = NotificationPlanner.DateOf(d.OccasionKey).AddDays(d.Kind == NotificationKinds.TomorrowDigest ? 1 : 0);
            if (!days.ContainsKey((workspace.Id, day))) wanted[(workspace.Id, day)] = DayRange(day, TimeZones.Find(workspace.TimeZone));
        }
        if (wanted.Count == 0) return;
        var ids = wanted.Keys.Select(k => k.Item1).Distinct().ToList();
        var (from, to) = (wanted.Values.Min(r => r.From), wanted.Values.Max(r => r.To));
        var loaded = await db.Appointments.IgnoreQueryFilters()
            .Where(a => ids.Contains(a.WorkspaceId) && a.DeletedAt == null && Listed.Contains(a.Status)
                        && a.ScheduledStart >= from && a.ScheduledStart < to)
            .Include(a => a.Client).Include(a => a.Service).Include(a => a.Location)
            .OrderBy(a => a.ScheduledStart).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var ((workspaceId, day), range) in wanted)
            days[(workspaceId, day)] = loaded.Where(a => a.WorkspaceId == workspaceId && a.ScheduledStart >= range.From && a.ScheduledStart < range.To).ToList();
    }

    private static (DateTimeOffset From, DateTimeOffset To) DayRange(DateOnly day, TimeZoneInfo zone) =>
        (TimeZones.ToUtc(day.ToDateTime(TimeOnly.MinValue), zone), TimeZones.ToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone));

    private static bool Wants(UserNotificationSettings s, string kind) => s.EmailEnabled && kind switch
    {
        NotificationKinds.Reminder => s.ReminderEnabled,
        NotificationKinds.TodayDigest => s.DigestEnabled,
        NotificationKinds.TomorrowDigest => s.TomorrowDigestEnabled,
        NotificationKinds.NotesReminder => s.NotesReminderEnabled,
        NotificationKinds.Booked => s.NotifyAppointmentBooked,
        NotificationKinds.Cancelled => s.NotifyAppointmentCancelled,
        NotificationKinds.Rescheduled => s.NotifyAppointmentRescheduled,
        NotificationKinds.Confirmed => s.NotifyAppointmentConfirmed,
        _ => false,
    };

    private static AppointmentLine Line(Appointment a, TimeZoneInfo zone) => new(a.Id,
        TimeZoneInfo.ConvertTime(a.ScheduledStart, zone).DateTime, TimeZoneInfo.ConvertTime(a.ScheduledEnd, zone).DateTime,
        a.Client?.FullName ?? "A client", a.Service?.Name, a.Location?.Name, a.Status);

    private static Composed Send(EmailMessage message) => new(message, null);
    private static Composed Skip(string reason) => new(null, reason);
}
