using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings.CalendarSync;

public sealed class IndexModel(PazPazDb db, CurrentUser current, TimeProvider clock) : PageModel
{
    public List<CalendarFeed> Feeds { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow();
        Feeds = await db.OwnFeeds(current).AsNoTracking().OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(cancellationToken);
    }
}
