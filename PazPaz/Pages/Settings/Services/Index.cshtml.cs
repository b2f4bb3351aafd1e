using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Auth;

namespace PazPaz.Pages.Settings.Services;

[Requires(Area.PracticeSettings)]
public sealed class IndexModel(PazPazDb db) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }
    public List<Service> Services { get; private set; } = [];
    public int ArchivedCount { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Services = await db.Services.AsNoTracking().Where(s => Archived || s.IsActive).OrderByName().ToListAsync(cancellationToken);
        ArchivedCount = await db.Services.CountAsync(s => !s.IsActive, cancellationToken);
    }
}
