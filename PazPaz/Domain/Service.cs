namespace PazPaz.Domain;

/// <summary>A kind of session the practice offers (e.g. "Deep tissue, 60 min").</summary>
public sealed class Service : IWorkspaceOwned
{
    public const int NameMaxLength = 255;
    public const int DescriptionMaxLength = 2_000;
    public const int MaxDurationMinutes = 24 * 60;

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

    /// <summary>What is wrong with these values, keyed by property name; empty when they can be saved. Name uniqueness is the database's to check.</summary>
    public static Dictionary<string, string> Problems(string? name, int? defaultDurationMinutes, string? description)
    {
        var problems = new Dictionary<string, string>();
        var nameLength = name?.Trim().Length ?? 0;
        if (nameLength == 0) problems[nameof(Name)] = "Enter a name.";
        else if (nameLength > NameMaxLength) problems[nameof(Name)] = $"A name is at most {NameMaxLength} characters.";
        if (defaultDurationMinutes is not (> 0 and <= MaxDurationMinutes))
            problems[nameof(DefaultDurationMinutes)] = "Enter a duration between 1 minute and 24 hours (1440 minutes).";
        if (description?.Trim().Length > DescriptionMaxLength)
            problems[nameof(Description)] = $"A description is at most {DescriptionMaxLength} characters.";
        return problems;
    }

    public void Update(string name, int defaultDurationMinutes, string? description)
    {
        if (Problems(name, defaultDurationMinutes, description) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        Name = name.Trim();
        DefaultDurationMinutes = defaultDurationMinutes;
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
    }

    /// <summary>Archived services are not offered for new appointments; past appointments keep them.</summary>
    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;
}

public static class ServiceQueries
{
    public static IOrderedQueryable<Service> OrderByName(this IQueryable<Service> services) =>
        services.OrderBy(s => s.Name.ToLower()).ThenBy(s => s.Id);

    /// <summary>Services called <paramref name="name"/>, ignoring case and surrounding spaces: names are unique that way.</summary>
    public static IQueryable<Service> Named(this IQueryable<Service> services, string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return services.Where(s => s.Name.ToLower() == lower);
    }
}
