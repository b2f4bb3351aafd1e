using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings.ApiTokens;

/// <summary>The signed-in user's own API tokens: create (the secret is shown in this one answer only), list, revoke.</summary>
public sealed class IndexModel(PazPazDb db, CurrentUser current, TimeProvider clock) : PageModel
{
    [BindProperty] public TokenInput Input { get; set; } = new();
    public List<ApiToken> Tokens { get; private set; } = [];
    /// <summary>The token just created, in the answer to its POST; never stored, so never shown again.</summary>
    public string? FreshToken { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateOnly Today { get; private set; }
    public DateTimeOffset Now { get; private set; }
    /// <summary>What a revoke did, said inside the part htmx swaps (the layout's flash sits outside it).</summary>
    public string? Message { get; private set; }

    public sealed class TokenInput
    {
        public string? Name { get; set; }
        public DateOnly? ExpiresOn { get; set; }
    }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        ModelState.AddProblems(ApiToken.Problems(Input.Name, Input.ExpiresOn, workspace.Today(now)));
        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return this.FormWithErrors();
        }

        var (secret, token) = ApiTokenIssue.New(workspace, current.RequireUserId(), Input.Name!, Input.ExpiresOn, now);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        // Answered, not redirected: the secret lives only in this response (no TempData cookie holds it).
        FreshToken = secret;
        ModelState.Clear();
        Input = new();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        // Only the user's own tokens: another user's (or another practice's, behind the wall) is not found.
        var userId = current.RequireUserId();
        if (await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == userId && t.RevokedAt == null, cancellationToken) is not { } token)
            return NotFound();
        token.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        var message = $"Token “{token.Name}” ({token.Prefix}…) revoked: anything using it is refused from now on.";
        if (!Request.IsHtmx())
        {
            this.Flash(message);
            return RedirectToPage();
        }
        Message = message;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow();
        var workspace = await db.Workspaces.AsNoTracking().SingleAsync(cancellationToken);
        Zone = TimeZones.Find(workspace.TimeZone);
        Today = workspace.Today(Now);
        var userId = current.RequireUserId();
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId && t.RevokedAt == null)
            .OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
    }

    public string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("d MMM yyyy, HH:mm");

    /// <summary>The expiry date as chosen: the local day that begins at <see cref="ApiToken.ExpiresAt"/>.</summary>
    public string ExpiryDate(DateTimeOffset expiresAt) => TimeZoneInfo.ConvertTime(expiresAt, Zone).ToString("d MMM yyyy");
}
