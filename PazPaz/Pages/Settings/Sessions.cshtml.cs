using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Pages.Settings;

/// <summary>Settings → Sessions: the user's own open sessions; end one, or all of them.</summary>
public sealed class SessionsModel(PazPazDb db, CurrentUser current, SessionEnding ending, TimeProvider clock, IOptions<PazPazOptions> options) : PageModel
{
    public sealed record Row(Guid Id, string Browser, string? IpAddress, DateTimeOffset SignedInAt, DateTimeOffset LastSeenAt, bool IsThisDevice);

    public List<Row> Sessions { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public int IdleMinutes => options.Value.SessionIdleMinutes;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>Ends one of the user's sessions; ending the current one signs this browser out.</summary>
    public async Task<IActionResult> OnPostEndAsync(Guid id, CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        // The wall keeps other practices out; the user check keeps a colleague's sessions out. Either way: 404.
        var session = await db.UserSessions.FirstOrDefaultAsync(s => s.Id == id && s.UserId == userId, cancellationToken);
        if (session is null) return NotFound();
        if (session.Id == current.SessionId)
        {
            await ending.SignOutAsync(HttpContext, cancellationToken);
            TempData["Flash.Info"] = "You are signed out.";
            return Redirect("/sign-in");
        }
        await ending.EndAsync(session, SessionEndReason.EndedByUser, cancellationToken);
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            await LoadAsync(cancellationToken);
            return Partial("_SessionList", this);
        }
        TempData["Flash.Success"] = "The session has ended.";
        return RedirectToPage();
    }

    /// <summary>Ends every session of the user, this one included, and changes the security stamp.</summary>
    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        await ending.EndEverywhereAsync(user, cancellationToken);
        await HttpContext.SignOutAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme);
        TempData["Flash.Info"] = "You are signed out everywhere.";
        return Redirect("/sign-in");
    }

    /// <summary>"Stay signed in" on the idle banner: an ordinary request, so it counts as activity and slides the session.</summary>
    public IActionResult OnPostStay() => new NoContentResult();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        var now = clock.GetUtcNow();
        var idleSince = now - TimeSpan.FromMinutes(options.Value.SessionIdleMinutes);
        var zone = await db.Workspaces.Select(w => w.TimeZone).FirstOrDefaultAsync(cancellationToken);
        Zone = zone is null ? TimeZoneInfo.Utc : TimeZones.Find(zone);
        var rows = await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.EndedAt == null && s.ExpiresAt > now && s.LastSeenAt >= idleSince)
            .OrderByDescending(s => s.LastSeenAt).ThenByDescending(s => s.Id).ToListAsync(cancellationToken);
        Sessions = rows.Select(s => new Row(s.Id, BrowserLabel.From(s.UserAgent), s.IpAddress, s.SignedInAt,
                s.Id == current.SessionId ? now : s.LastSeenAt, s.Id == current.SessionId))
            .OrderByDescending(r => r.IsThisDevice).ToList();
    }

    public string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("d MMM yyyy, HH:mm");
}
