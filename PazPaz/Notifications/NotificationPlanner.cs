using System.Globalization;
using PazPaz.Domain;

namespace PazPaz.Notifications;

/// <summary>One e-mail that is due: the key (user, kind, occasion) is what makes it go out exactly once.</summary>
public sealed record Occasion(Guid WorkspaceId, Guid UserId, string Kind, string OccasionKey, DateTimeOffset DueAt, Guid? AppointmentId = null);

/// <summary>A user's daily e-mail settings with the practice's zone, as the planner needs them.</summary>
public sealed record DailySchedule(Guid WorkspaceId, Guid UserId, TimeZoneInfo Zone,
    bool TodayDigest, string TodayDigestTime, int[] TodayDigestDays,
    bool TomorrowDigest, string TomorrowDigestTime, int[] TomorrowDigestDays,
    bool NotesReminder, string NotesReminderTime)
{
    public static DailySchedule From(UserNotificationSettings s, TimeZoneInfo zone) => new(s.WorkspaceId, s.UserId, zone,
        s.EmailEnabled && s.DigestEnabled, s.DigestTime, s.DigestDays,
        s.EmailEnabled && s.TomorrowDigestEnabled, s.TomorrowDigestTime, s.TomorrowDigestDays,
        s.EmailEnabled && s.NotesReminderEnabled, s.NotesReminderTime);
}

/// <summary>An appointment still to come and one user who might be reminded of it.</summary>
public sealed record ReminderCandidate(Guid AppointmentId, Guid WorkspaceId, Guid UserId, DateTimeOffset ScheduledStart,
    DateTimeOffset TimeSetAt, int ReminderMinutes);

/// <summary>
/// Which e-mails are due at <c>now</c>: pure, so the daylight-saving rules can be tested with a fake clock.
/// Every run looks back <see cref="CatchUp"/>, so a worker that was down a few minutes still sends what fell due;
/// the unique key, not the window, keeps it to one e-mail.
/// </summary>
public static class NotificationPlanner
{
    public static readonly TimeSpan CatchUp = TimeSpan.FromMinutes(15);

    /// <summary>The UTC moment a daily "HH:MM" falls on a local date: in a spring-forward gap the first valid minute after it, in a fall-back repeat its first occurrence.</summary>
    public static DateTimeOffset DailyMoment(DateOnly localDate, string hhmm, TimeZoneInfo zone) =>
        TimeZones.ToUtc(localDate.ToDateTime(TimeOnly.ParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture)), zone);

    public static string DateKey(DateOnly localDate) => "date:" + localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly DateOf(string occasionKey) =>
        DateOnly.ParseExact(occasionKey["date:".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string ReminderKey(Guid appointmentId, DateTimeOffset start) =>
        $"appointment:{appointmentId}:start:{start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";

    /// <summary>Digests and the session-notes reminder whose moment lies in (now − catch-up, now].</summary>
    public static IEnumerable<Occasion> DailyOccasions(DailySchedule schedule, DateTimeOffset now)
    {
        var today = LocalDate(now, schedule.Zone);
        var earliest = LocalDate(now - CatchUp, schedule.Zone);
        for (var date = earliest; date <= today; date = date.AddDays(1))
        {
            var weekday = (int)date.DayOfWeek; // 0 = Sunday, as stored
            if (schedule.TodayDigest && schedule.TodayDigestDays.Contains(weekday) &&
                Due(DailyMoment(date, schedule.TodayDigestTime, schedule.Zone), now) is { } todayAt)
                yield return new(schedule.WorkspaceId, schedule.UserId, NotificationKinds.TodayDigest, DateKey(date), todayAt);
            if (schedule.TomorrowDigest && schedule.TomorrowDigestDays.Contains(weekday) &&
                Due(DailyMoment(date, schedule.TomorrowDigestTime, schedule.Zone), now) is { } tomorrowAt)
                yield return new(schedule.WorkspaceId, schedule.UserId, NotificationKinds.TomorrowDigest, DateKey(date), tomorrowAt);
            if (schedule.NotesReminder && Due(DailyMoment(date, schedule.NotesReminderTime, schedule.Zone), now) is { } notesAt)
                yield return new(schedule.WorkspaceId, schedule.UserId, NotificationKinds.NotesReminder, DateKey(date), notesAt);
        }
    }

    /// <summary>
    /// The reminder for one appointment, if its moment (start − N minutes) is due now, the appointment has not begun,
    /// and the moment did not pass before the appointment got its current time (booked or moved too late).
    /// </summary>
    public static Occasion? Reminder(ReminderCandidate c, DateTimeOffset now)
    {
        var moment = c.ScheduledStart - TimeSpan.FromMinutes(c.ReminderMinutes);
        if (c.ScheduledStart <= now || moment < c.TimeSetAt || Due(moment, now) is null) return null;
        return new(c.WorkspaceId, c.UserId, NotificationKinds.Reminder, ReminderKey(c.AppointmentId, c.ScheduledStart), moment, c.AppointmentId);
    }

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    private static DateTimeOffset? Due(DateTimeOffset moment, DateTimeOffset now) => moment <= now && moment > now - CatchUp ? moment : null;
}
