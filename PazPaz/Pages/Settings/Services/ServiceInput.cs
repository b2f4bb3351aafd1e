using System.ComponentModel.DataAnnotations;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings.Services;

public sealed class ServiceInput
{
    public string? Name { get; set; }
    /// <summary>The name the binder uses when the text is not a number.</summary>
    [Display(Name = "the duration")] public int? DefaultDurationMinutes { get; set; }
    public string? Description { get; set; }

    public Dictionary<string, string> Problems() => Service.Problems(Name, DefaultDurationMinutes, Description);

    public static ServiceInput From(Service service) =>
        new() { Name = service.Name, DefaultDurationMinutes = service.DefaultDurationMinutes, Description = service.Description };
}
