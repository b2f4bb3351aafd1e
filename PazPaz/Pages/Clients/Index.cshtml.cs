using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Clients;

public sealed class IndexModel(PazPazDb db) : PageModel
{
    public List<Client> Clients { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Clients = await db.Clients.AsNoTracking().Where(c => c.IsActive)
            .OrderBy(c => c.LastName.ToLower()).ThenBy(c => c.FirstName.ToLower())
            .ToListAsync(cancellationToken);
}
