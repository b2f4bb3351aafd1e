using System.ComponentModel.DataAnnotations;
using PazPaz.Domain;

namespace PazPaz.Pages.Clients;

/// <summary>The client form's fields as posted; mapped by hand to and from <see cref="ClientDetails"/>.</summary>
public sealed class ClientInput
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>The name the binder uses when the text is not a date.</summary>
    [Display(Name = "the date of birth")] public DateOnly? DateOfBirth { get; set; }
    public string? Address { get; set; }
    public string? MedicalHistory { get; set; }
    public string? EmergencyContactName { get; set; }
    public string? EmergencyContactPhone { get; set; }
    public string? Notes { get; set; }
    /// <summary>Comma separated, as typed.</summary>
    public string? Tags { get; set; }
    public bool ConsentToStoreData { get; set; }
    public bool HideNameOutsidePazPaz { get; set; }

    public ClientDetails ToDetails() => new(FirstName ?? "", LastName ?? "", Email, Phone, DateOfBirth, Address, MedicalHistory,
        EmergencyContactName, EmergencyContactPhone, Notes, Client.ParseTags(Tags), ConsentToStoreData, HideNameOutsidePazPaz);

    public static ClientInput From(Client client) => new()
    {
        FirstName = client.FirstName, LastName = client.LastName, Email = client.Email, Phone = client.Phone,
        DateOfBirth = client.DateOfBirth, Address = client.Address, MedicalHistory = client.MedicalHistory,
        EmergencyContactName = client.EmergencyContactName, EmergencyContactPhone = client.EmergencyContactPhone,
        Notes = client.Notes, Tags = string.Join(", ", client.Tags), ConsentToStoreData = client.ConsentToStoreData,
        HideNameOutsidePazPaz = client.HideNameOutsidePazPaz,
    };
}
