using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Clients;

public sealed class IndexModel(PazPazDb db, ReadAudit reads, ClientDirectoryCache directory) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }
    /// <summary>"p", because Razor Pages keeps "page" for itself.</summary>
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public List<ClientDirectory.Entry> Clients { get; private set; } = [];
    public int Total { get; private set; }
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        // Names are encrypted: the workspace's clients are matched and sorted in memory (see ClientDirectory).
        var matches = (await directory.LoadAsync(db, includeArchived: Archived, cancellationToken)).Matching(Q).SortedByName();
        Total = matches.Count;
        Clients = matches.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        // Names, e-mail addresses and phone numbers: one read event naming the clients shown (the whole page or a search's results).
        await reads.RecordAsync(nameof(Client), Clients.Select(c => c.Id).ToList(), "page_list", cancellationToken);

        // Search as you type swaps only the results; everything else (and a back-button restore) gets the whole page.
        Response.Headers.Vary = "HX-Request";
        return Request.IsHtmx() && Request.Headers["HX-Target"] == "client-results" && Request.Headers["HX-History-Restore-Request"] != "true"
            ? Partial("_ClientList", this)
            : Page();
    }

    /// <summary>This list's URL with the same search and toggle, on another page.</summary>
    public string UrlFor(int page) => Url.Page("Index", new { q = string.IsNullOrWhiteSpace(Q) ? null : Q, archived = Archived ? "true" : null, p = page > 1 ? page : (int?)null })!;
}
