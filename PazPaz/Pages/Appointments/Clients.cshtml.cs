using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Appointments;

/// <summary>The appointment form's client picker: GET searches active clients by name, POST adds a client by first and last name and chooses them.</summary>
public sealed class ClientsModel(PazPazDb db, CurrentUser current, ReadAudit reads, ClientDirectoryCache directory) : PageModel
{
    public sealed record Match(Guid Id, string Name, string? Email);

    public string? Query { get; private set; }
    public List<Match> Matches { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "client_query")] string? query, CancellationToken cancellationToken)
    {
        Query = query?.Trim() ?? "";
        // Names are encrypted: the workspace's active clients are matched and sorted in memory (see ClientDirectory).
        Matches = (await directory.LoadAsync(db, includeArchived: false, cancellationToken)).NameContaining(Query).SortedByName()
            .Take(8).Select(c => new Match(c.Id, c.FullName, c.Email)).ToList();
        // Names and e-mail addresses, as the client list shows them: one read event naming the clients offered.
        await reads.RecordAsync(nameof(Client), Matches.Select(m => m.Id).ToList(), "page_typeahead", cancellationToken);
        return Partial("_ClientOptions", this);
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "new_client_first_name")] string? firstName,
        [FromForm(Name = "new_client_last_name")] string? lastName, CancellationToken cancellationToken)
    {
        Client client;
        try
        {
            if (string.IsNullOrWhiteSpace(firstName) || string.IsNullOrWhiteSpace(lastName))
                throw new DomainException("Enter the new client's first and last name.");
            client = Client.Create(current.RequireWorkspaceId(), firstName, lastName);
        }
        catch (DomainException e)
        {
            var invalid = Partial("_ClientPicker", new ClientPickerView(null, null, QuickAddError: e.Message, FirstName: firstName, LastName: lastName));
            invalid.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return invalid;
        }
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return Partial("_ClientPicker", new ClientPickerView(client.Id, client.FullName));
    }
}
