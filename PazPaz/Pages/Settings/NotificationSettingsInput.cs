using PazPaz.Domain;

namespace PazPaz.Pages.Settings;

/// <summary>The cards of Settings → Notifications; each is its own small form that saves itself.</summary>
public enum NotificationCard { Email, Digest, TomorrowDigest, Reminder, NotesReminder, Events }

/// <summary>
/// The notification settings as the page posts them. A card posts only its own fields; its handler maps just those
/// into a <see cref="NotificationSettingsChange"/>, so the other cards' settings stay as they are.
/// </summary>
public sealed class NotificationSettingsInput
{
    public bool EmailEnabled { get; set; }
    public bool DigestEnabled { get; set; }
    public string? DigestTime { get; set; }
    public int[]? DigestDays { get; set; }
    public bool TomorrowDigestEnabled { get; set; }
    public string? TomorrowDigestTime { get; set; }
    public int[]? TomorrowDigestDays { get; set; }
    public bool ReminderEnabled { get; set; }
    public int? ReminderMinutes { get; set; }
    public bool NotesReminderEnabled { get; set; }
    public string? NotesReminderTime { get; set; }
    public bool NotifyAppointmentBooked { get; set; }
    public bool NotifyAppointmentCancelled { get; set; }
    public bool NotifyAppointmentRescheduled { get; set; }
    public bool NotifyAppointmentConfirmed { get; set; }

    /// <summary>
    /// What the card's form sets. An empty time or no day ticked is sent as such (and refused), never read as
    /// "leave unchanged". A quick action ("weekdays", "everyday") replaces the ticked days, here too, so that a card
    /// coming back with an error shows the days that were asked for.
    /// </summary>
    public NotificationSettingsChange ChangeFor(NotificationCard card, string? preset)
    {
        var days = PresetDays(preset);
        return card switch
        {
            NotificationCard.Email => new() { EmailEnabled = EmailEnabled },
            NotificationCard.Digest => new()
            {
                DigestEnabled = DigestEnabled, DigestTime = DigestTime?.Trim() ?? "", DigestDays = DigestDays = days ?? DigestDays ?? [],
            },
            NotificationCard.TomorrowDigest => new()
            {
                TomorrowDigestEnabled = TomorrowDigestEnabled, TomorrowDigestTime = TomorrowDigestTime?.Trim() ?? "",
                TomorrowDigestDays = TomorrowDigestDays = days ?? TomorrowDigestDays ?? [],
            },
            NotificationCard.Reminder => new() { ReminderEnabled = ReminderEnabled, ReminderMinutes = ReminderMinutes ?? 0 },
            NotificationCard.NotesReminder => new() { NotesReminderEnabled = NotesReminderEnabled, NotesReminderTime = NotesReminderTime?.Trim() ?? "" },
            NotificationCard.Events => new()
            {
                NotifyAppointmentBooked = NotifyAppointmentBooked, NotifyAppointmentCancelled = NotifyAppointmentCancelled,
                NotifyAppointmentRescheduled = NotifyAppointmentRescheduled, NotifyAppointmentConfirmed = NotifyAppointmentConfirmed,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(card)),
        };
    }

    /// <summary>Shows the stored settings on every card except <paramref name="keep"/>, which keeps what was posted.</summary>
    public void Show(UserNotificationSettings s, NotificationCard? keep = null)
    {
        if (keep != NotificationCard.Email) EmailEnabled = s.EmailEnabled;
        if (keep != NotificationCard.Digest) (DigestEnabled, DigestTime, DigestDays) = (s.DigestEnabled, s.DigestTime, s.DigestDays);
        if (keep != NotificationCard.TomorrowDigest)
            (TomorrowDigestEnabled, TomorrowDigestTime, TomorrowDigestDays) = (s.TomorrowDigestEnabled, s.TomorrowDigestTime, s.TomorrowDigestDays);
        if (keep != NotificationCard.Reminder) (ReminderEnabled, ReminderMinutes) = (s.ReminderEnabled, s.ReminderMinutes);
        if (keep != NotificationCard.NotesReminder) (NotesReminderEnabled, NotesReminderTime) = (s.NotesReminderEnabled, s.NotesReminderTime);
        if (keep != NotificationCard.Events)
            (NotifyAppointmentBooked, NotifyAppointmentCancelled, NotifyAppointmentRescheduled, NotifyAppointmentConfirmed) =
                (s.NotifyAppointmentBooked, s.NotifyAppointmentCancelled, s.NotifyAppointmentRescheduled, s.NotifyAppointmentConfirmed);
    }

    public static readonly (int Day, string Short, string Long)[] Days =
    [
        (0, "Sun", "Sunday"), (1, "Mon", "Monday"), (2, "Tue", "Tuesday"), (3, "Wed", "Wednesday"),
        (4, "Thu", "Thursday"), (5, "Fri", "Friday"), (6, "Sat", "Saturday"),
    ];

    public static readonly (int Minutes, string Text)[] ReminderChoices =
        [(15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"), (1440, "1 day")];

    private static int[]? PresetDays(string? preset) => preset switch
    {
        "weekdays" => UserNotificationSettings.Weekdays,
        "everyday" => UserNotificationSettings.EveryDay,
        _ => null,
    };
}

/// <summary>What Settings/_TimeField renders.</summary>
public sealed record NotificationTimeField(string Id, string Name, string? Value, List<string> Errors);
