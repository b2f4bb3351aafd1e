using System.Text.Json;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Api;

public static class NotificationSettingsApi
{
    public sealed record NotificationSettingsResponse(bool EmailEnabled, bool NotifyAppointmentBooked, bool NotifyAppointmentCancelled,
        bool NotifyAppointmentRescheduled, bool NotifyAppointmentConfirmed, bool DigestEnabled, string DigestTime, int[] DigestDays,
        bool TomorrowDigestEnabled, string TomorrowDigestTime, int[] TomorrowDigestDays, bool ReminderEnabled, int ReminderMinutes,
        bool NotesReminderEnabled, string NotesReminderTime, JsonElement ExtendedSettings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static readonly string[] Fields =
    [
        "email_enabled", "notify_appointment_booked", "notify_appointment_cancelled", "notify_appointment_rescheduled",
        "notify_appointment_confirmed", "digest_enabled", "digest_time", "digest_days", "tomorrow_digest_enabled", "tomorrow_digest_time",
        "tomorrow_digest_days", "reminder_enabled", "reminder_minutes", "notes_reminder_enabled", "notes_reminder_time", "extended_settings",
    ];

    public static void MapNotificationSettingsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users/me/notification-settings").WithTags("Notification settings");

        group.MapGet("/", GetAsync).WithName("GetNotificationSettings")
            .WithSummary("The caller's own e-mail notification settings, created with the defaults on first use. Times are HH:MM in the workspace's time zone; days 0 (Sunday) to 6 (Saturday).");
        group.MapPut("/", UpdateAsync).WithName("UpdateNotificationSettings").AcceptsJson(Fields)
            .WithSummary("Partial update of the caller's own settings: only the fields sent change. Times zero-padded 24-hour HH:MM; reminder_minutes 15, 30, 60, 120 or 1440; days a non-empty list of 0–6 (stored sorted, without duplicates); extended_settings a JSON object that replaces the stored one. 422 names each invalid field, and then nothing changes.");
    }

    public static NotificationSettingsResponse ToResponse(UserNotificationSettings s)
    {
        using var extended = JsonDocument.Parse(s.ExtendedSettings);
        return new(s.EmailEnabled, s.NotifyAppointmentBooked, s.NotifyAppointmentCancelled, s.NotifyAppointmentRescheduled,
            s.NotifyAppointmentConfirmed, s.DigestEnabled, s.DigestTime, s.DigestDays, s.TomorrowDigestEnabled, s.TomorrowDigestTime,
            s.TomorrowDigestDays, s.ReminderEnabled, s.ReminderMinutes, s.NotesReminderEnabled, s.NotesReminderTime,
            extended.RootElement.Clone(), s.CreatedAt, s.UpdatedAt);
    }

    private static async Task<IResult> GetAsync(HttpRequest request, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var settings = await db.MineAsync(current, cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, settings.Version);
        return Results.Ok(ToResponse(settings));
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var change = new NotificationSettingsChange
        {
            EmailEnabled = input.Bool("email_enabled"),
            NotifyAppointmentBooked = input.Bool("notify_appointment_booked"),
            NotifyAppointmentCancelled = input.Bool("notify_appointment_cancelled"),
            NotifyAppointmentRescheduled = input.Bool("notify_appointment_rescheduled"),
            NotifyAppointmentConfirmed = input.Bool("notify_appointment_confirmed"),
            DigestEnabled = input.Bool("digest_enabled"),
            DigestTime = input.String("digest_time", nullable: false),
            DigestDays = input.Ints("digest_days"),
            TomorrowDigestEnabled = input.Bool("tomorrow_digest_enabled"),
            TomorrowDigestTime = input.String("tomorrow_digest_time", nullable: false),
            TomorrowDigestDays = input.Ints("tomorrow_digest_days"),
            ReminderEnabled = input.Bool("reminder_enabled"),
            ReminderMinutes = input.Int("reminder_minutes"),
            NotesReminderEnabled = input.Bool("notes_reminder_enabled"),
            NotesReminderTime = input.String("notes_reminder_time", nullable: false),
            ExtendedSettings = input.Object("extended_settings"),
        };
        input.AddProblems(UserNotificationSettings.Problems(change));
        if (!input.IsValid) return input.Problem();

        var settings = await db.MineAsync(current, cancellationToken);
        if (!RowVersions.TryReadIfMatch(request, out var basedOn) || basedOn is { } v && v != settings.Version)
            return RowVersions.PreconditionFailed(request.HttpContext.Response, "notification settings", settings.Version);
        settings.Update(change);
        await db.SaveChangesAsync(cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, settings.Version);
        return Results.Ok(ToResponse(settings));
    }
}
