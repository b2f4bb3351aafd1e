namespace PazPaz.Domain;

public enum DeliveryStatus { Pending, Sending, Sent, Failed, Skipped }

/// <summary>The kinds of e-mail PazPaz sends on its own; each is one value of <see cref="NotificationDelivery.Kind"/>.</summary>
public static class NotificationKinds
{
    public const string Reminder = "reminder";
    public const string TodayDigest = "today_digest";
    public const string TomorrowDigest = "tomorrow_digest";
    public const string NotesReminder = "notes_reminder";
    public const string Booked = "appointment_booked";
    public const string Cancelled = "appointment_cancelled";
    public const string Rescheduled = "appointment_rescheduled";
    public const string Confirmed = "appointment_confirmed";
    /// <summary>A sign-in link, asked for on the sign-in page; written (and the link made) only when it is sent.</summary>
    public const string SignInLink = "sign_in_link";
    /// <summary>
    /// An invitation's e-mail, on behalf of its inviter (the row's user); the occasion names the invitation and its link
    /// version, and the link is made only when the e-mail is written (Invitations.ComposeAsync).
    /// </summary>
    public const string Invitation = "invitation";
}

/// <summary>
/// One e-mail that must go out exactly once. (UserId, Kind, OccasionKey) is unique: whoever inserts the row
/// first owns the send; everyone else sees the row and does nothing.
/// </summary>
public sealed class NotificationDelivery : IWorkspaceOwned
{
    /// <summary>Retries wait 1, 2, 4 … minutes, never more than an hour; nothing is ever given up.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public string Kind { get; private set; } = "";
    /// <summary>E.g. "appointment:{id}:start:{utc}" or "date:2026-11-26".</summary>
    public string OccasionKey { get; private set; } = "";
    public Guid? AppointmentId { get; private set; }
    public DeliveryStatus Status { get; private set; } = DeliveryStatus.Pending;
    public int Attempts { get; private set; }
    public DateTimeOffset DueAt { get; private set; }
    /// <summary>
    /// Not before then: the wait after a failure, or the end of a worker's lease on a Pending or Failed row it took
    /// (rows are due when this, or else <see cref="DueAt"/>, has come).
    /// </summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private NotificationDelivery() { }

    public static NotificationDelivery Claim(Guid workspaceId, Guid userId, string kind, string occasionKey, DateTimeOffset dueAt, Guid? appointmentId = null) =>
        new() { WorkspaceId = workspaceId, UserId = userId, Kind = kind, OccasionKey = occasionKey, DueAt = dueAt, AppointmentId = appointmentId };

    /// <summary>
    /// The message is about to be handed to the mail server. From here until <see cref="MarkSent"/> or
    /// <see cref="MarkFailed"/> the row is in doubt: a worker that dies in between leaves it Sending, and since the
    /// message may have gone it is never sent again on its own.
    /// </summary>
    public void StartSending(DateTimeOffset now)
    {
        if (Status is not (DeliveryStatus.Pending or DeliveryStatus.Failed)) throw new InvalidOperationException($"A {Status} delivery cannot be sent.");
        Status = DeliveryStatus.Sending;
        Attempts++;
        NextAttemptAt = null;
        UpdatedAt = now;
    }

    public void MarkSent(DateTimeOffset now)
    {
        if (Status != DeliveryStatus.Sending) throw new InvalidOperationException($"A {Status} delivery was not being sent.");
        Status = DeliveryStatus.Sent;
        SentAt = now;
        NextAttemptAt = null;
        LastError = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// The mail server refused or could not be reached: try again later, waiting longer each time. A message not even
    /// tried because the server was just found down counts as a failed attempt too, so its wait grows alike.
    /// </summary>
    public void MarkFailed(string error, DateTimeOffset now)
    {
        if (Status is DeliveryStatus.Pending or DeliveryStatus.Failed) Attempts++;
        else if (Status != DeliveryStatus.Sending) throw new InvalidOperationException($"A {Status} delivery cannot fail.");
        Status = DeliveryStatus.Failed;
        LastError = error.Length > 2000 ? error[..2000] : error;
        NextAttemptAt = now + Backoff(Attempts);
        UpdatedAt = now;
    }

    /// <summary>Nothing to send after all (appointment cancelled, setting turned off, no notes missing).</summary>
    public void Skip(string reason, DateTimeOffset now)
    {
        if (Status is not (DeliveryStatus.Pending or DeliveryStatus.Failed)) throw new InvalidOperationException($"A {Status} delivery cannot be skipped.");
        Status = DeliveryStatus.Skipped;
        LastError = reason;
        NextAttemptAt = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// Hands back a row that was taken (leased: <see cref="NextAttemptAt"/> set to the end of the lease) but not tried,
    /// because the worker is stopping: any worker may take it again at once.
    /// </summary>
    public void Release(DateTimeOffset now)
    {
        if (Status is not (DeliveryStatus.Pending or DeliveryStatus.Failed)) return;
        NextAttemptAt = null;
        UpdatedAt = now;
    }

    public static TimeSpan Backoff(int attempts)
    {
        var minutes = Math.Pow(2, Math.Clamp(attempts - 1, 0, 10));
        return TimeSpan.FromMinutes(Math.Min(minutes, MaxBackoff.TotalMinutes));
    }
}
