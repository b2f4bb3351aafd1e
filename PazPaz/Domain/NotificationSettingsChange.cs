namespace PazPaz.Domain;

/// <summary>
/// The fields one save of a user's notification settings may change; a null field stays as it is. The API refuses an
/// explicit null before it gets here, so null only ever means "not sent".
/// </summary>
public sealed record NotificationSettingsChange
{
    public bool? EmailEnabled { get; init; }
    public bool? NotifyAppointmentBooked { get; init; }
    public bool? NotifyAppointmentCancelled { get; init; }
    public bool? NotifyAppointmentRescheduled { get; init; }
    public bool? NotifyAppointmentConfirmed { get; init; }
    public bool? DigestEnabled { get; init; }
    public string? DigestTime { get; init; }
    public IReadOnlyCollection<int>? DigestDays { get; init; }
    public bool? TomorrowDigestEnabled { get; init; }
    public string? TomorrowDigestTime { get; init; }
    public IReadOnlyCollection<int>? TomorrowDigestDays { get; init; }
    public bool? ReminderEnabled { get; init; }
    public int? ReminderMinutes { get; init; }
    public bool? NotesReminderEnabled { get; init; }
    public string? NotesReminderTime { get; init; }
    /// <summary>A JSON object, as text; it replaces the stored one whole.</summary>
    public string? ExtendedSettings { get; init; }
}
