namespace PazPaz.Domain;

/// <summary>A value that may be left out of an edit, or set — possibly to null ("clear the service").</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;
    public static Optional<T> Of(T value) => new(true, value);
}

/// <summary>The fields one save of an appointment may change; unset fields stay as they are.</summary>
public sealed record AppointmentEdit
{
    public DateTimeOffset? Start { get; init; }
    public DateTimeOffset? End { get; init; }
    public Guid? ClientId { get; init; }
    public Optional<Guid?> ServiceId { get; init; }
    public Optional<Guid?> LocationId { get; init; }
    public LocationType? LocationType { get; init; }
    public Optional<string?> LocationDetails { get; init; }
    public Optional<string?> Notes { get; init; }
    /// <summary>
    /// The <see cref="Appointment.Version"/> the edit was made on (a form's hidden field, the API's If-Match): when the
    /// appointment has changed since, the edit is refused rather than applied over a change its author never saw.
    /// </summary>
    public uint? BasedOnVersion { get; init; }
}
