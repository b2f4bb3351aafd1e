namespace PazPaz.Domain;

public sealed class Client : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public DateOnly? DateOfBirth { get; private set; }
    public string? Address { get; private set; }
    public string? MedicalHistory { get; private set; }
    public string? EmergencyContactName { get; private set; }
    public string? EmergencyContactPhone { get; private set; }
    public string? Notes { get; private set; }
    public List<string> Tags { get; private set; } = [];
    public bool ConsentToStoreData { get; private set; }
    /// <summary>The client asked never to have their name shown outside PazPaz (feeds, e-mail subjects).</summary>
    public bool HideNameOutsidePazPaz { get; private set; }
    public bool IsActive { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Client() { }

    public static Client Create(Guid workspaceId, string firstName, string lastName)
    {
        var client = new Client { WorkspaceId = workspaceId };
        client.Rename(firstName, lastName);
        return client;
    }

    public string FullName => $"{FirstName} {LastName}";

    /// <summary>"J.D." — what conflict warnings and privacy-minded views show.</summary>
    public string Initials => $"{Initial(FirstName)}{Initial(LastName)}";

    private static string Initial(string name) => name.Length > 0 ? $"{char.ToUpperInvariant(name[0])}." : "";

    public void Rename(string firstName, string lastName)
    {
        firstName = firstName.Trim();
        lastName = lastName.Trim();
        if (firstName.Length is 0 or > 255) throw new DomainException("First name is 1 to 255 characters.");
        if (lastName.Length is 0 or > 255) throw new DomainException("Last name is 1 to 255 characters.");
        FirstName = firstName;
        LastName = lastName;
    }

    public void UpdateContact(string? email, string? phone, string? address)
    {
        if (!string.IsNullOrWhiteSpace(email) && !User.LooksLikeEmail(email)) throw new DomainException("Enter a valid e-mail address.");
        if (phone?.Trim().Length > 50) throw new DomainException("A phone number is at most 50 characters.");
        Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        Phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim();
        Address = string.IsNullOrWhiteSpace(address) ? null : address.Trim();
    }

    public void UpdateHealth(DateOnly? dateOfBirth, string? medicalHistory, string? emergencyContactName,
        string? emergencyContactPhone, string? notes)
    {
        DateOfBirth = dateOfBirth;
        MedicalHistory = medicalHistory;
        EmergencyContactName = emergencyContactName;
        EmergencyContactPhone = emergencyContactPhone;
        Notes = notes;
    }

    public void SetTags(IEnumerable<string> tags) =>
        Tags = tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public void SetConsent(bool consent) => ConsentToStoreData = consent;
    public void SetHideNameOutsidePazPaz(bool hide) => HideNameOutsidePazPaz = hide;
    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;
}
