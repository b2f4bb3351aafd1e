using System.Text.Json;
using System.Text.RegularExpressions;

namespace PazPaz.Domain;

/// <summary>One user's e-mail preferences; "HH:MM" times are read in the workspace's zone.</summary>
public sealed partial class UserNotificationSettings : IWorkspaceOwned
{
    public static readonly int[] AllowedReminderMinutes = [15, 30, 60, 120, 1440];
    public static readonly int[] Weekdays = [1, 2, 3, 4, 5];
    public static readonly int[] EveryDay = [0, 1, 2, 3, 4, 5, 6];
    public const int ExtendedSettingsMaxLength = 10_000;

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
    /// <summary>
    /// PostgreSQL's xmin: changes with every write of the row, including raw SQL ones (a SEQUENCE raise). EF checks it on
    /// save, so two saves of one row at once cannot both win silently; forms and the API's ETag carry it.
    /// </summary>
    public uint Version { get; private set; }

    private UserNotificationSettings() { }

    public static UserNotificationSettings CreateDefaults(Guid workspaceId, Guid userId) =>
        new() { WorkspaceId = workspaceId, UserId = userId };

    /// <summary>
    /// The defaults with the digests' days taken from the user's working week: today's schedule on working days, tomorrow's
    /// on the day before each (Monday to Friday gives §7's Mon–Fri and Sun–Thu).
    /// </summary>
    public static UserNotificationSettings CreateDefaults(Guid workspaceId, Guid userId, WorkingWeek week)
    {
        var days = week.WorkingDays.Select(d => (int)d).ToArray();
        return days.Length == 0 ? CreateDefaults(workspaceId, userId) : new()
        {
            WorkspaceId = workspaceId, UserId = userId, DigestDays = [.. days.Order()], TomorrowDigestDays = [.. days.Select(d => (d + 6) % 7).Order()],
        };
    }

    /// <summary>
    /// What is wrong with the values this change sets, keyed by property name ("DigestTime"); empty when it can be
    /// saved. Fields the change leaves out are not checked: each is valid on its own, whatever the others hold.
    /// </summary>
    public static Dictionary<string, string> Problems(NotificationSettingsChange change)
    {
        var problems = new Dictionary<string, string>();
        CheckTime(problems, nameof(DigestTime), change.DigestTime);
        CheckTime(problems, nameof(TomorrowDigestTime), change.TomorrowDigestTime);
        CheckTime(problems, nameof(NotesReminderTime), change.NotesReminderTime);
        CheckDays(problems, nameof(DigestDays), change.DigestDays);
        CheckDays(problems, nameof(TomorrowDigestDays), change.TomorrowDigestDays);
        if (change.ReminderMinutes is { } minutes && !AllowedReminderMinutes.Contains(minutes))
            problems[nameof(ReminderMinutes)] = "Choose 15, 30, 60, 120 or 1440 minutes (1 day) before the appointment.";
        if (change.ExtendedSettings is { } extended && ExtendedSettingsProblem(extended) is { } extendedProblem)
            problems[nameof(ExtendedSettings)] = extendedProblem;
        return problems;
    }

    /// <summary>
    /// Applies the change: days are stored sorted without duplicates. Refuses the whole change (nothing applied)
    /// when any value is invalid. Returns whether anything changed.
    /// </summary>
    public bool Update(NotificationSettingsChange change)
    {
        if (Problems(change) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        var before = Snapshot();
        EmailEnabled = change.EmailEnabled ?? EmailEnabled;
        NotifyAppointmentBooked = change.NotifyAppointmentBooked ?? NotifyAppointmentBooked;
        NotifyAppointmentCancelled = change.NotifyAppointmentCancelled ?? NotifyAppointmentCancelled;
        NotifyAppointmentRescheduled = change.NotifyAppointmentRescheduled ?? NotifyAppointmentRescheduled;
        NotifyAppointmentConfirmed = change.NotifyAppointmentConfirmed ?? NotifyAppointmentConfirmed;
        DigestEnabled = change.DigestEnabled ?? DigestEnabled;
        DigestTime = change.DigestTime ?? DigestTime;
        if (change.DigestDays is { } digestDays && !DigestDays.SequenceEqual(Normalized(digestDays))) DigestDays = Normalized(digestDays);
        TomorrowDigestEnabled = change.TomorrowDigestEnabled ?? TomorrowDigestEnabled;
        TomorrowDigestTime = change.TomorrowDigestTime ?? TomorrowDigestTime;
        if (change.TomorrowDigestDays is { } tomorrowDays && !TomorrowDigestDays.SequenceEqual(Normalized(tomorrowDays)))
            TomorrowDigestDays = Normalized(tomorrowDays);
        ReminderEnabled = change.ReminderEnabled ?? ReminderEnabled;
        ReminderMinutes = change.ReminderMinutes ?? ReminderMinutes;
        NotesReminderEnabled = change.NotesReminderEnabled ?? NotesReminderEnabled;
        NotesReminderTime = change.NotesReminderTime ?? NotesReminderTime;
        if (change.ExtendedSettings is { } extended && !JsonEquals(extended, ExtendedSettings)) ExtendedSettings = extended;
        return Snapshot() != before;
    }

    /// <summary>A zero-padded 24-hour "HH:MM", as the database's CHECK constraints require.</summary>
    public static bool IsTime(string? text) => text is not null && TimePattern().IsMatch(text);

    private static void CheckTime(Dictionary<string, string> problems, string field, string? time)
    {
        if (time is not null && !IsTime(time))
            problems[field] = time.Trim().Length == 0
                ? "Enter a time as HH:MM (24-hour), e.g. 08:00."
                : $"{(time.Length <= 10 ? $"'{time}'" : "That")} is not a time. Use HH:MM on the 24-hour clock, two digits each, e.g. 08:00 or 18:30.";
    }

    private static void CheckDays(Dictionary<string, string> problems, string field, IReadOnlyCollection<int>? days)
    {
        if (days is null) return;
        if (days.Count == 0) problems[field] = "Choose at least one day.";
        else if (days.Any(d => d is < 0 or > 6)) problems[field] = "Days are numbers from 0 (Sunday) to 6 (Saturday).";
    }

    private static string? ExtendedSettingsProblem(string json)
    {
        if (json.Length > ExtendedSettingsMaxLength) return $"At most {ExtendedSettingsMaxLength} characters of JSON.";
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : "Must be a JSON object.";
        }
        catch (JsonException)
        {
            return "Must be a JSON object.";
        }
    }

    private static int[] Normalized(IEnumerable<int> days) => days.Distinct().Order().ToArray();

    private static bool JsonEquals(string a, string b)
    {
        using var left = JsonDocument.Parse(a);
        using var right = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }

    private string Snapshot() => string.Join('|', EmailEnabled, NotifyAppointmentBooked, NotifyAppointmentCancelled,
        NotifyAppointmentRescheduled, NotifyAppointmentConfirmed, DigestEnabled, DigestTime, string.Join(',', DigestDays),
        TomorrowDigestEnabled, TomorrowDigestTime, string.Join(',', TomorrowDigestDays), ReminderEnabled, ReminderMinutes,
        NotesReminderEnabled, NotesReminderTime, ExtendedSettings);

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z")]
    private static partial Regex TimePattern();
}
