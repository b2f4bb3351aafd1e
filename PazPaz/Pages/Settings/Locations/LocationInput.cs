using System.ComponentModel.DataAnnotations;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings.Locations;

public sealed class LocationInput
{
    public string? Name { get; set; }
    [Display(Name = "the type")] public LocationType? LocationType { get; set; }
    public string? Address { get; set; }
    public string? Details { get; set; }

    public Dictionary<string, string> Problems() => Location.Problems(Name, LocationType, Address, Details);

    public static LocationInput From(Location location) =>
        new() { Name = location.Name, LocationType = location.LocationType, Address = location.Address, Details = location.Details };

    /// <summary>How the form names each type.</summary>
    public static readonly IReadOnlyList<(string Value, string Text)> Types =
        [("clinic", "Clinic"), ("home", "Home visit"), ("online", "Online")];

    public static string TypeText(LocationType type) => type switch
    {
        Domain.LocationType.Clinic => "Clinic",
        Domain.LocationType.Home => "Home visit",
        _ => "Online",
    };
}
