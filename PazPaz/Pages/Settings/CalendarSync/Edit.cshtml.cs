using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;
using PazPaz.Pages.Shared;
using PazPaz.Security;

namespace PazPaz.Pages.Settings.CalendarSync;

/// <summary>One feed: its link (once, right after create or rotate), last fetch, settings, preview, rotate and revoke.</summary>
public sealed class EditModel(PazPazDb db, CurrentUser current, TimeProvider clock, IOptions<PazPazOptions> options) : PageModel
{
    [BindProperty] public FeedInput Input { get; set; } = new();
    public CalendarFeed Feed { get; private set; } = null!;
    public List<FeedPages.PreviewEvent> Preview { get; private set; } = [];
    public (string Https, string Webcal)? Links { get; private set; }
    public string LastFetch { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is not { } feed) return NotFound();
        Input = FeedInput.From(feed.Settings());
        if (TempData[FeedPages.FreshTokenKey] is string fresh && fresh.Split(':', 2) is [var feedId, var token] && feedId == feed.Id.ToString())
            Links = FeedClients.Links(options.Value.PublicBaseUrl, token);
        await PreviewAsync(feed.Settings(), cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is not { } feed) return NotFound();
        var settings = Input.ToSettings();
        ModelState.AddProblems(CalendarFeed.Problems(settings));
        if (!ModelState.IsValid)
        {
            await PreviewAsync(feed.Settings(), cancellationToken);
            return this.FormWithErrors();
        }
        feed.ChangeSettings(settings);
        await db.SaveChangesAsync(cancellationToken);
        this.Flash("Saved. Calendar apps pick the change up when they next refresh.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is not { } feed) return NotFound();
        var token = Tokens.New();
        feed.Rotate(Tokens.Hash(token));
        await db.SaveChangesAsync(cancellationToken);
        TempData[FeedPages.FreshTokenKey] = $"{feed.Id}:{token}";
        this.Flash("The old link no longer works. Add the new one to your calendar apps (remove the old subscription there).");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is not { } feed) return NotFound();
        feed.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"“{feed.Name}” was revoked: its link no longer works. Remove the subscription from your calendar apps.");
        return RedirectToPage("Index");
    }

    private async Task<CalendarFeed?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var feed = await db.OwnFeeds(current).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feed is null) return null;
        Feed = feed;
        LastFetch = FeedPages.LastFetch(feed, clock.GetUtcNow());
        return feed;
    }

    private async Task PreviewAsync(FeedSettings settings, CancellationToken cancellationToken) =>
        Preview = await FeedPages.PreviewAsync(db, current, settings, clock, options.Value.PublicBaseUrl, cancellationToken);
}
