namespace PazPaz.Domain;

public enum LocationType { Clinic, Home, Online }

public sealed class Location : IWorkspaceOwned
{
    public const int NameMaxLength = 255;
    public const int AddressMaxLength = 1_000;
    public const int DetailsMaxLength = 2_000;

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

    /// <summary>Clinics and home visits happen somewhere: they need an address. Online sessions do not.</summary>
    public static bool NeedsAddress(LocationType type) => type is LocationType.Clinic or LocationType.Home;

    /// <summary>What is wrong with these values, keyed by property name; empty when they can be saved. Name uniqueness is the database's to check.</summary>
    public static Dictionary<string, string> Problems(string? name, LocationType? type, string? address, string? details)
    {
        var problems = new Dictionary<string, string>();
        var nameLength = name?.Trim().Length ?? 0;
        if (nameLength == 0) problems[nameof(Name)] = "Enter a name.";
        else if (nameLength > NameMaxLength) problems[nameof(Name)] = $"A name is at most {NameMaxLength} characters.";
        if (type is null || !Enum.IsDefined(type.Value)) problems[nameof(LocationType)] = "Choose clinic, home visit or online.";
        else if (NeedsAddress(type.Value) && string.IsNullOrWhiteSpace(address))
            problems[nameof(Address)] = type == LocationType.Clinic ? "A clinic needs an address." : "A home visit location needs an address.";
        if (address?.Trim().Length > AddressMaxLength) problems[nameof(Address)] = $"An address is at most {AddressMaxLength} characters.";
        if (details?.Trim().Length > DetailsMaxLength) problems[nameof(Details)] = $"The details are at most {DetailsMaxLength} characters.";
        return problems;
    }

    public void Update(string name, LocationType type, string? address, string? details)
    {
        if (Problems(name, type, address, details) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        Name = name.Trim();
        LocationType = type;
        Address = string.IsNullOrWhiteSpace(address) ? null : address.Trim();
        Details = string.IsNullOrWhiteSpace(details) ? null : details.Trim();
    }

    /// <summary>Archived locations are not offered for new appointments; past appointments keep them.</summary>
    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;
}

public static class LocationQueries
{
    public static IOrderedQueryable<Location> OrderByName(this IQueryable<Location> locations) =>
        locations.OrderBy(l => l.Name.ToLower()).ThenBy(l => l.Id);

    /// <summary>Locations called <paramref name="name"/>, ignoring case and surrounding spaces: names are unique that way.</summary>
    public static IQueryable<Location> Named(this IQueryable<Location> locations, string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return locations.Where(l => l.Name.ToLower() == lower);
    }
}
