using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Api;

public static class ClientsApi
{
    public sealed record ClientResponse(Guid Id, Guid WorkspaceId, string FirstName, string LastName, string FullName, string? Email,
        string? Phone, DateOnly? DateOfBirth, string? Address, string? MedicalHistory, string? EmergencyContactName,
        string? EmergencyContactPhone, string? Notes, List<string> Tags, bool ConsentToStoreData, bool HideNameOutsidePazpaz,
        bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>A client as an assistant sees it: everything but the clinical fields (§12), which are left out, not nulled.</summary>
    public sealed record ClientContactResponse(Guid Id, Guid WorkspaceId, string FirstName, string LastName, string FullName, string? Email,
        string? Phone, DateOnly? DateOfBirth, string? Address, string? EmergencyContactName, string? EmergencyContactPhone,
        List<string> Tags, bool ConsentToStoreData, bool HideNameOutsidePazpaz, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static readonly string[] Fields =
    [
        "first_name", "last_name", "email", "phone", "date_of_birth", "address", "medical_history", "emergency_contact_name",
        "emergency_contact_phone", "notes", "tags", "consent_to_store_data", "hide_name_outside_pazpaz", "is_active",
    ];

    public static void MapClientsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/clients").WithTags("Clients");

        group.MapGet("/", ListAsync).WithName("ListClients")
            .WithSummary("Clients sorted by last then first name. q searches name, e-mail and phone; archived clients only with include_inactive=true. The page is recorded as one read in the audit trail, naming every client returned.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetClient")
            .WithSummary("One client with health fields (assistants get the client without medical_history and notes); the read is recorded in the audit trail.");
        group.MapPost("/", CreateAsync).WithName("CreateClient").AcceptsJson(Fields)
            .WithSummary("Adds a client: first_name and last_name required. 201 with a Location header.");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateClient").AcceptsJson(Fields)
            .WithSummary("Partial update: only the fields sent change; null clears an optional field. is_active archives or restores.");
        group.MapDelete("/{id:guid}", ArchiveAsync).WithName("ArchiveClient")
            .WithSummary("Archives the client (a soft delete: history is kept, restore with POST /{id}/restore). 204.");
        group.MapPost("/{id:guid}/restore", RestoreAsync).WithName("RestoreClient")
            .WithSummary("Brings an archived client back into the lists. Answers the client.");
    }

    /// <summary>The client as the caller's role may see it.</summary>
    private static object ToResponse(Client c, CurrentUser current) => current.May(Area.ClinicalRecord) ? ToResponse(c)
        : new ClientContactResponse(c.Id, c.WorkspaceId, c.FirstName, c.LastName, c.FullName, c.Email, c.Phone, c.DateOfBirth, c.Address,
            c.EmergencyContactName, c.EmergencyContactPhone, c.Tags.ToList(), c.ConsentToStoreData, c.HideNameOutsidePazPaz, c.IsActive,
            c.CreatedAt, c.UpdatedAt);

    /// <summary>403 naming the clinical fields an assistant sent; null when there are none or the caller may change them.</summary>
    private static IResult? ClinicalFieldsRefused(JsonInput input, CurrentUser current)
    {
        if (current.May(Area.ClinicalRecord)) return null;
        var sent = ClientDetails.ClinicalFields.Where(input.Has).ToList();
        return sent.Count == 0 ? null : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for your role.",
            detail: $"{RolePolicy.WhyNot(UserRole.Assistant, Area.ClinicalRecord)} Leave out: {string.Join(", ", sent)}.");
    }

    public static ClientResponse ToResponse(Client c) => new(c.Id, c.WorkspaceId, c.FirstName, c.LastName, c.FullName, c.Email, c.Phone,
        c.DateOfBirth, c.Address, c.MedicalHistory, c.EmergencyContactName, c.EmergencyContactPhone, c.Notes, c.Tags.ToList(),
        c.ConsentToStoreData, c.HideNameOutsidePazPaz, c.IsActive, c.CreatedAt, c.UpdatedAt);

    private static async Task<IResult> ListAsync(HttpRequest request, PazPazDb db, ReadAudit reads, CurrentUser current,
        ClientDirectoryCache directory, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var text = request.Query["q"].ToString();
        if (text.Length > 200) query.Errors["q"] = ["At most 200 characters."];
        var includeInactive = query.Bool("include_inactive");
        var page = query.Int("page", 1, 1, 1_000_000);
        var pageSize = query.Int("page_size", 50, 1, 100);
        if (!query.IsValid) return query.Problem();

        // Names are encrypted: the workspace's clients are matched and sorted in memory (see ClientDirectory), then
        // the page's clients are read in full.
        var matches = (await directory.LoadAsync(db, includeInactive, cancellationToken)).Matching(text).SortedByName();
        var total = matches.Count;
        var pageIds = matches.Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Id).ToList();
        var byId = await db.Clients.AsNoTracking().Where(c => pageIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var items = pageIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();

        // The list carries health fields: one read event naming every client on this page.
        await reads.RecordAsync(nameof(Client), items.Select(c => c.Id).ToList(), "api_list", cancellationToken);
        return Results.Ok(new PagedList<object>(items.Select(c => ToResponse(c, current)).ToList(), total, page, pageSize, (total + pageSize - 1) / pageSize));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpRequest request, PazPazDb db, ReadAudit reads, CurrentUser current, CancellationToken cancellationToken)
    {
        // Another workspace's client is not found: the wall filters it out.
        if (await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client)
            return ApiResults.NotFound("Client");
        await reads.RecordAsync(nameof(Client), [client.Id], "api", cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, client.Version);
        return Results.Ok(ToResponse(client, current));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, PazPazDb db, TimeProvider clock, CurrentUser current, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        if (ClinicalFieldsRefused(input, current) is { } refused) return refused;
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        var today = workspace.Today(clock.GetUtcNow());
        var details = Read(input, new ClientDetails("", ""), creating: true);
        var isActive = input.Bool("is_active");
        input.AddProblems(Client.Problems(details, today));
        if (!input.IsValid) return input.Problem();

        var client = Client.Create(workspace.Id, details, today);
        if (isActive == false) client.Archive();
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, client.Version);
        return Results.Created($"/api/v1/clients/{client.Id}", ToResponse(client, current));
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, PazPazDb db, TimeProvider clock, CurrentUser current, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return ApiResults.NotFound("Client");
        if (!RowVersions.TryReadIfMatch(request, out var basedOn) || basedOn is { } v && v != client.Version)
            return RowVersions.PreconditionFailed(request.HttpContext.Response, "client", client.Version);
        var input = JsonInput.Of(request);
        if (ClinicalFieldsRefused(input, current) is { } refused) return refused;
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        var today = workspace.Today(clock.GetUtcNow());
        var details = Read(input, client.Details(), creating: false);
        var isActive = input.Bool("is_active");
        input.AddProblems(Client.Problems(details, today));
        if (!input.IsValid) return input.Problem();

        client.Update(details, today);
        if (isActive == true) client.Restore();
        if (isActive == false) client.Archive();
        await db.SaveRaisingSequencesAsync(cancellationToken); // a save at the same moment elsewhere: 409 (ChangedElsewhere)
        RowVersions.Stamp(request.HttpContext.Response, client.Version);
        return Results.Ok(ToResponse(client, current));
    }

    private static async Task<IResult> ArchiveAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return ApiResults.NotFound("Client");
        client.Archive();
        await db.SaveChangesAsync(cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> RestoreAsync(Guid id, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return ApiResults.NotFound("Client");
        client.Restore();
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(ToResponse(client, current));
    }

    /// <summary>The body over <paramref name="current"/>: a field sent replaces it, a field left out keeps it.</summary>
    private static ClientDetails Read(JsonInput input, ClientDetails current, bool creating)
    {
        string? Text(string name, string? value) => input.Has(name) ? input.String(name) : value;
        string Name(string name, string value) =>
            creating || input.Has(name) ? input.String(name, required: creating, nullable: false) ?? "" : value;
        bool Flag(string name, bool value) => input.Bool(name) ?? value;

        return new ClientDetails(
            Name("first_name", current.FirstName),
            Name("last_name", current.LastName),
            Text("email", current.Email),
            Text("phone", current.Phone),
            input.Has("date_of_birth") ? input.Date("date_of_birth") : current.DateOfBirth,
            Text("address", current.Address),
            Text("medical_history", current.MedicalHistory),
            Text("emergency_contact_name", current.EmergencyContactName),
            Text("emergency_contact_phone", current.EmergencyContactPhone),
            Text("notes", current.Notes),
            input.Has("tags") ? input.Strings("tags", nullable: true) ?? [] : current.Tags,
            Flag("consent_to_store_data", current.ConsentToStoreData),
            Flag("hide_name_outside_pazpaz", current.HideNameOutsidePazPaz));
    }
}
