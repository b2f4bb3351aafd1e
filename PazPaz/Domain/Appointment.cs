namespace PazPaz.Domain;

public enum AppointmentStatus { Scheduled, Completed, Cancelled, NoShow }

public sealed class Appointment : IWorkspaceOwned
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? ServiceId { get; private set; }
    public Guid? LocationId { get; private set; }
    public DateTimeOffset ScheduledStart { get; private set; }
    public DateTimeOffset ScheduledEnd { get; private set; }
    public LocationType LocationType { get; private set; }
    public string? LocationDetails { get; private set; }
    public AppointmentStatus Status { get; private set; } = AppointmentStatus.Scheduled;
    public string? Notes { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? EditedAt { get; private set; }
    public int EditCount { get; private set; }
    /// <summary>RFC 5545 SEQUENCE: rises with every change a calendar subscriber can see.</summary>
    public int Sequence { get; private set; }
    /// <summary>Soft delete, so that "undo" can bring the appointment back.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    public Client? Client { get; private set; }
    public Service? Service { get; private set; }
    public Location? Location { get; private set; }

    private Appointment() { }

    public static Appointment Create(Guid workspaceId, Guid clientId, DateTimeOffset start, DateTimeOffset end,
        LocationType locationType, Guid? serviceId = null, Guid? locationId = null, string? locationDetails = null, string? notes = null)
    {
        CheckTimes(start, end);
        return new Appointment
        {
            WorkspaceId = workspaceId, ClientId = clientId, ServiceId = serviceId, LocationId = locationId,
            ScheduledStart = start.ToUniversalTime(), ScheduledEnd = end.ToUniversalTime(),
            LocationType = locationType, LocationDetails = locationDetails, Notes = notes,
        };
    }

    /// <summary>Marks a session that took place. Only scheduled or no-show appointments can be completed.</summary>
    public void Complete()
    {
        if (Status is not (AppointmentStatus.Scheduled or AppointmentStatus.NoShow))
            throw new DomainException($"A {Status.ToString().ToLowerInvariant()} appointment cannot be marked completed.");
        Status = AppointmentStatus.Completed;
        Sequence++;
    }

    public static void CheckTimes(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start) throw new DomainException("The end must be after the start.");
        if (end - start > MaxLength) throw new DomainException("An appointment lasts at most 24 hours.");
        if (start.Year is < 2000 or > 2100) throw new DomainException("The start date is out of range.");
    }
}
