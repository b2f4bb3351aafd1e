namespace PazPaz.Domain;

/// <summary>
/// Everything a therapist records about a client, as one value: the form and the API both build one, ask
/// <see cref="Client.Problems"/> what is wrong with it field by field, and save it with <see cref="Client.Update"/>.
/// </summary>
public sealed record ClientDetails(
    string FirstName,
    string LastName,
    string? Email = null,
    string? Phone = null,
    DateOnly? DateOfBirth = null,
    string? Address = null,
    string? MedicalHistory = null,
    string? EmergencyContactName = null,
    string? EmergencyContactPhone = null,
    string? Notes = null,
    IReadOnlyList<string>? Tags = null,
    bool ConsentToStoreData = false,
    bool HideNameOutsidePazPaz = false)
{
    /// <summary>Medical history and the private notes are the clinical record (§12): an assistant neither sees nor changes them.</summary>
    public static readonly string[] ClinicalFields = ["medical_history", "notes"];

    /// <summary>These details with the clinical fields of <paramref name="stored"/>: what an assistant's save may change.</summary>
    public ClientDetails KeepingClinicalFieldsOf(ClientDetails? stored) =>
        this with { MedicalHistory = stored?.MedicalHistory, Notes = stored?.Notes };
}

public sealed class Client : IWorkspaceOwned
{
    public const int NameMaxLength = 255;
    public const int PhoneMaxLength = 50;
    public const int AddressMaxLength = 1_000;
    public const int LongTextMaxLength = 10_000;
    public const int TagMaxLength = 50;
    public const int MaxTags = 20;
    public static readonly DateOnly EarliestDateOfBirth = new(1900, 1, 1);

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
    /// <summary>
    /// PostgreSQL's xmin: changes with every write of the row, including raw SQL ones (a SEQUENCE raise). EF checks it on
    /// save, so two saves of one row at once cannot both win silently; forms and the API's ETag carry it.
    /// </summary>
    public uint Version { get; private set; }

    private Client() { }

    public static Client Create(Guid workspaceId, string firstName, string lastName)
    {
        var client = new Client { WorkspaceId = workspaceId };
        client.Rename(firstName, lastName);
        return client;
    }

    /// <summary>A new client from a form or an API body; <paramref name="today"/> is the practice's date (birth dates cannot follow it).</summary>
    public static Client Create(Guid workspaceId, ClientDetails details, DateOnly today)
    {
        var client = new Client { WorkspaceId = workspaceId };
        client.Update(details, today);
        return client;
    }

    public string FullName => $"{FirstName} {LastName}";

    /// <summary>"J.D." — what conflict warnings and privacy-minded views show.</summary>
    public string Initials => InitialsOf(FirstName, LastName);

    /// <summary>For projections that load only the names (conflict warnings).</summary>
    public static string InitialsOf(string firstName, string lastName) => $"{Initial(firstName)}{Initial(lastName)}";

    private static string Initial(string name) => name.Length > 0 ? $"{char.ToUpperInvariant(name[0])}." : "";

    /// <summary>The client as it stands, ready to be changed with <c>with { … }</c> and saved (a partial API update).</summary>
    public ClientDetails Details() => new(FirstName, LastName, Email, Phone, DateOfBirth, Address, MedicalHistory,
        EmergencyContactName, EmergencyContactPhone, Notes, Tags.ToList(), ConsentToStoreData, HideNameOutsidePazPaz);

    /// <summary>What is wrong with <paramref name="details"/>, keyed by <see cref="ClientDetails"/> property name; empty when it can be saved.</summary>
    public static Dictionary<string, string> Problems(ClientDetails details, DateOnly today)
    {
        var problems = new Dictionary<string, string>();
        void Check(string field, string? problem) { if (problem is not null) problems[field] = problem; }

        Check(nameof(ClientDetails.FirstName), NameProblem(details.FirstName, "first name"));
        Check(nameof(ClientDetails.LastName), NameProblem(details.LastName, "last name"));
        Check(nameof(ClientDetails.Email), string.IsNullOrWhiteSpace(details.Email) || User.LooksLikeEmail(details.Email)
            ? null : "Enter a valid e-mail address, like noa@example.com.");
        Check(nameof(ClientDetails.Phone), TooLong(details.Phone, PhoneMaxLength, "A phone number"));
        Check(nameof(ClientDetails.DateOfBirth), details.DateOfBirth is { } born && (born > today || born < EarliestDateOfBirth)
            ? $"Enter a date of birth between {EarliestDateOfBirth:yyyy} and today." : null);
        Check(nameof(ClientDetails.Address), TooLong(details.Address, AddressMaxLength, "The address"));
        Check(nameof(ClientDetails.MedicalHistory), TooLong(details.MedicalHistory, LongTextMaxLength, "The medical history"));
        Check(nameof(ClientDetails.EmergencyContactName), TooLong(details.EmergencyContactName, NameMaxLength, "The emergency contact's name"));
        Check(nameof(ClientDetails.EmergencyContactPhone), TooLong(details.EmergencyContactPhone, PhoneMaxLength, "The emergency contact's phone"));
        Check(nameof(ClientDetails.Notes), TooLong(details.Notes, LongTextMaxLength, "The notes"));
        var tags = CleanTags(details.Tags ?? []);
        Check(nameof(ClientDetails.Tags),
            tags.Count > MaxTags ? $"At most {MaxTags} tags."
            : tags.FirstOrDefault(t => t.Length > TagMaxLength) is { } longTag ? $"A tag is at most {TagMaxLength} characters (\"{longTag[..20]}…\")."
            : null);
        return problems;
    }

    /// <summary>Saves every field at once; refuses (and changes nothing) when <see cref="Problems"/> finds anything.</summary>
    public void Update(ClientDetails details, DateOnly today)
    {
        if (Problems(details, today) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        FirstName = details.FirstName.Trim();
        LastName = details.LastName.Trim();
        Email = Clean(details.Email);
        Phone = Clean(details.Phone);
        DateOfBirth = details.DateOfBirth;
        Address = Clean(details.Address);
        MedicalHistory = Clean(details.MedicalHistory);
        EmergencyContactName = Clean(details.EmergencyContactName);
        EmergencyContactPhone = Clean(details.EmergencyContactPhone);
        Notes = Clean(details.Notes);
        Tags = CleanTags(details.Tags ?? []);
        ConsentToStoreData = details.ConsentToStoreData;
        HideNameOutsidePazPaz = details.HideNameOutsidePazPaz;
    }

    public void Rename(string firstName, string lastName)
    {
        if ((NameProblem(firstName, "first name") ?? NameProblem(lastName, "last name")) is { } problem) throw new DomainException(problem);
        FirstName = firstName.Trim();
        LastName = lastName.Trim();
    }

    public void UpdateContact(string? email, string? phone, string? address)
    {
        if (!string.IsNullOrWhiteSpace(email) && !User.LooksLikeEmail(email)) throw new DomainException("Enter a valid e-mail address.");
        if (TooLong(phone, PhoneMaxLength, "A phone number") is { } problem) throw new DomainException(problem);
        Email = Clean(email);
        Phone = Clean(phone);
        Address = Clean(address);
    }

    public void UpdateHealth(DateOnly? dateOfBirth, string? medicalHistory, string? emergencyContactName,
        string? emergencyContactPhone, string? notes)
    {
        DateOfBirth = dateOfBirth;
        MedicalHistory = Clean(medicalHistory);
        EmergencyContactName = Clean(emergencyContactName);
        EmergencyContactPhone = Clean(emergencyContactPhone);
        Notes = Clean(notes);
    }

    public void SetTags(IEnumerable<string> tags) => Tags = CleanTags(tags);

    /// <summary>"sports, Knee,  sports" → ["sports", "Knee"]: trimmed, blanks dropped, duplicates (any case) once.</summary>
    public static List<string> ParseTags(string? commaSeparated) => CleanTags((commaSeparated ?? "").Split(','));

    public void SetConsent(bool consent) => ConsentToStoreData = consent;
    public void SetHideNameOutsidePazPaz(bool hide) => HideNameOutsidePazPaz = hide;

    /// <summary>Archived clients leave the lists but keep their history; <see cref="Restore"/> brings them back.</summary>
    public void Archive() => IsActive = false;
    public void Restore() => IsActive = true;

    private static string? NameProblem(string? name, string what)
    {
        var length = name?.Trim().Length ?? 0;
        return length == 0 ? $"Enter a {what}." : length > NameMaxLength ? $"A {what} is at most {NameMaxLength} characters." : null;
    }

    private static string? TooLong(string? value, int max, string what) =>
        value?.Trim().Length > max ? $"{what} is at most {max} characters." : null;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static List<string> CleanTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
