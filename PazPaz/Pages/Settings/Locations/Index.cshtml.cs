using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Auth;

namespace PazPaz.Pages.Settings.Locations;

[Requires(Area.PracticeSettings)]
public sealed class IndexModel(PazPazDb db) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }
    public List<Location> Locations { get; private set; } = [];
    public int ArchivedCount { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Locations = await db.Locations.AsNoTracking().Where(l => Archived || l.IsActive).OrderByName().ToListAsync(cancellationToken);
        ArchivedCount = await db.Locations.CountAsync(l => !l.IsActive, cancellationToken);
    }
}
