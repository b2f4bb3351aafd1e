using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings;

public sealed class IndexModel(PazPazDb db, CurrentUser current) : PageModel
{
    public Workspace Workspace { get; private set; } = null!;
    public User Me { get; private set; } = null!;
    public int ActiveServices { get; private set; }
    public int ActiveLocations { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Workspace = await db.Workspaces.AsNoTracking().SingleAsync(cancellationToken);
        var userId = current.RequireUserId();
        Me = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        ActiveServices = await db.Services.CountAsync(s => s.IsActive, cancellationToken);
        ActiveLocations = await db.Locations.CountAsync(l => l.IsActive, cancellationToken);
    }
}
