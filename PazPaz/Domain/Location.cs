namespace PazPaz.Domain;

public enum LocationType { Clinic, Home, Online }

public sealed class Location : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public string Name { get; private set; } = "";
    public LocationType LocationType { get; private set; }
    public string? Address { get; private set; }
    /// <summary>Room number, video link, parking hints.</summary>
    public string? Details { get; private set; }
    public bool IsActive { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Location() { }

    public static Location Create(Guid workspaceId, string name, LocationType type, string? address, string? details = null)
    {
        var location = new Location { WorkspaceId = workspaceId };
        location.Update(name, type, address, details);
        return location;
    }

    public void Update(string name, LocationType type, string? address, string? details)
    {
        name = name.Trim();
        if (name.Length is 0 or > 255) throw new DomainException("A location name is 1 to 255 characters.");
        if (type is LocationType.Clinic or LocationType.Home && string.IsNullOrWhiteSpace(address))
            throw new DomainException("A clinic or home location needs an address.");
        Name = name;
        LocationType = type;
        Address = string.IsNullOrWhiteSpace(address) ? null : address.Trim();
        Details = string.IsNullOrWhiteSpace(details) ? null : details.Trim();
    }

    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;
}
