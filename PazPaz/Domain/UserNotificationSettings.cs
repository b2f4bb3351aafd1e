namespace PazPaz.Domain;

/// <summary>One user's e-mail preferences; "HH:MM" times are read in the workspace's zone.</summary>
public sealed class UserNotificationSettings : IWorkspaceOwned
{
    public static readonly int[] AllowedReminderMinutes = [15, 30, 60, 120, 1440];

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid UserId { get; private set; }
    public Guid WorkspaceId { get; private set; }
    public bool EmailEnabled { get; private set; } = true;
    public bool NotifyAppointmentBooked { get; private set; } = true;
    public bool NotifyAppointmentCancelled { get; private set; } = true;
    public bool NotifyAppointmentRescheduled { get; private set; } = true;
    public bool NotifyAppointmentConfirmed { get; private set; } = true;
    public bool DigestEnabled { get; private set; }
    public string DigestTime { get; private set; } = "08:00";
    /// <summary>0 = Sunday … 6 = Saturday, sorted, no duplicates.</summary>
    public int[] DigestDays { get; private set; } = [1, 2, 3, 4, 5];
    public bool TomorrowDigestEnabled { get; private set; }
    public string TomorrowDigestTime { get; private set; } = "20:00";
    public int[] TomorrowDigestDays { get; private set; } = [0, 1, 2, 3, 4];
    public bool ReminderEnabled { get; private set; } = true;
    public int ReminderMinutes { get; private set; } = 60;
    public bool NotesReminderEnabled { get; private set; } = true;
    public string NotesReminderTime { get; private set; } = "18:00";
    /// <summary>Room for later channels (SMS, quiet hours) without a migration per idea.</summary>
    public string ExtendedSettings { get; private set; } = "{}";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private UserNotificationSettings() { }

    public static UserNotificationSettings CreateDefaults(Guid workspaceId, Guid userId) =>
        new() { WorkspaceId = workspaceId, UserId = userId };
}
