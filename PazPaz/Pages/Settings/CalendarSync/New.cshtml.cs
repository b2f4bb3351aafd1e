using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;
using PazPaz.Pages.Shared;
using PazPaz.Security;

namespace PazPaz.Pages.Settings.CalendarSync;

public sealed class NewModel(PazPazDb db, CurrentUser current, TimeProvider clock, IOptions<PazPazOptions> options) : PageModel
{
    [BindProperty] public FeedInput Input { get; set; } = new();
    public List<FeedPages.PreviewEvent> Preview { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        var therapist = await db.Users.Where(u => u.Id == userId).Select(u => u.FullName).SingleAsync(cancellationToken);
        Input = FeedInput.From(new FeedSettings(CalendarFeed.DefaultName(therapist)));
        Preview = await FeedPages.PreviewAsync(db, current, Input.ToSettings(), clock, options.Value.PublicBaseUrl, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var settings = Input.ToSettings();
        ModelState.AddProblems(CalendarFeed.Problems(settings));
        if (!ModelState.IsValid)
        {
            Preview = await FeedPages.PreviewAsync(db, current, settings with { WindowDaysAhead = CalendarFeed.DefaultDaysAhead }, clock,
                options.Value.PublicBaseUrl, cancellationToken);
            return this.FormWithErrors();
        }

        var token = Tokens.New();
        var feed = CalendarFeed.Create(current.RequireWorkspaceId(), current.RequireUserId(), settings, Tokens.Hash(token));
        db.CalendarFeeds.Add(feed);
        await db.SaveChangesAsync(cancellationToken);
        TempData[FeedPages.FreshTokenKey] = $"{feed.Id}:{token}";
        return RedirectToPage("Edit", new { id = feed.Id });
    }
}
