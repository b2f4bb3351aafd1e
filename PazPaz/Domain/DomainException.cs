namespace PazPaz.Domain;

/// <summary>A rule refused a change; the message is written for the user who asked for it.</summary>
public sealed class DomainException(string message) : Exception(message);
