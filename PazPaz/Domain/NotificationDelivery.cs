namespace PazPaz.Domain;

public enum DeliveryStatus { Pending, Sending, Sent, Failed, Skipped }

/// <summary>
/// One e-mail that must go out exactly once. (UserId, Kind, OccasionKey) is unique: whoever inserts the row
/// first owns the send; everyone else sees the row and does nothing.
/// </summary>
public sealed class NotificationDelivery : IWorkspaceOwned
{
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
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private NotificationDelivery() { }

    public static NotificationDelivery Claim(Guid workspaceId, Guid userId, string kind, string occasionKey, DateTimeOffset dueAt, Guid? appointmentId = null) =>
        new() { WorkspaceId = workspaceId, UserId = userId, Kind = kind, OccasionKey = occasionKey, DueAt = dueAt, AppointmentId = appointmentId };
}
