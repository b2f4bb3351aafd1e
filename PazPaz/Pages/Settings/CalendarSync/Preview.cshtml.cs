using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Pages.Settings.CalendarSync;

/// <summary>The preview fragment for the settings the form holds now (htmx asks on every change).</summary>
public sealed class PreviewModel(PazPazDb db, CurrentUser current, TimeProvider clock, IOptions<PazPazOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)] public FeedInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var settings = Input.ToSettings();
        var ahead = settings.WindowDaysAhead is >= 1 and <= CalendarFeed.MaxDaysAhead ? settings.WindowDaysAhead : CalendarFeed.DefaultDaysAhead;
        var events = await FeedPages.PreviewAsync(db, current, settings with { WindowDaysAhead = ahead }, clock, options.Value.PublicBaseUrl, cancellationToken);
        return Partial("_Preview", events);
    }
}
