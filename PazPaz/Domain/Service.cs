namespace PazPaz.Domain;

/// <summary>A kind of session the practice offers (e.g. "Deep tissue, 60 min").</summary>
public sealed class Service : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public int DefaultDurationMinutes { get; private set; }
    public bool IsActive { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Service() { }

    public static Service Create(Guid workspaceId, string name, int defaultDurationMinutes, string? description = null)
    {
        var service = new Service { WorkspaceId = workspaceId };
        service.Update(name, defaultDurationMinutes, description);
        return service;
    }

    public void Update(string name, int defaultDurationMinutes, string? description)
    {
        name = name.Trim();
        if (name.Length is 0 or > 255) throw new DomainException("A service name is 1 to 255 characters.");
        if (defaultDurationMinutes is <= 0 or > 24 * 60) throw new DomainException("The duration is between 1 minute and 24 hours.");
        Name = name;
        DefaultDurationMinutes = defaultDurationMinutes;
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
    }

    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;
}
