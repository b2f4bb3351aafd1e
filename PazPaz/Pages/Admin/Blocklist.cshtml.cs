using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Admin;

/// <summary>
/// E-mail addresses that can neither be invited nor sign in. Blocking also ends the address's open sessions at once,
/// so a person being blocked is out now, not when their session runs out. Adding and removing are audited (row changes).
/// </summary>
[PlatformAdminOnly]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class BlocklistModel(PazPazDb db, CurrentUser current, SessionEnding sessions, TimeProvider clock) : PageModel
{
    public sealed class InputModel
    {
        public string? Email { get; set; }
        public string? Reason { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public List<BlockedAddress> Blocked { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        foreach (var (field, problem) in BlockedAddress.Problems(Input.Email, Input.Reason)) ModelState.AddModelError($"Input.{field}", problem);
        var email = BlockedAddress.Normalize(Input.Email);
        if (ModelState.IsValid && await db.BlockedAddresses.AnyAsync(b => b.Email == email, cancellationToken))
            ModelState.AddModelError("Input.Email", $"{email} is already blocked.");
        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return this.FormWithErrors();
        }

        db.BlockedAddresses.Add(BlockedAddress.Create(email, Input.Reason, current.UserId, clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        var users = db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.Email == email && u.Id != current.UserId).Select(u => u.Id);
        var ended = await sessions.EndAllAsync(db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(s => users.Contains(s.UserId)),
            SessionEndReason.AddressBlocked, cancellationToken);
        this.Flash(ended == 0 ? $"{email} is blocked." : $"{email} is blocked and {ended} open session{(ended == 1 ? " was" : "s were")} ended.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.BlockedAddresses.FirstOrDefaultAsync(b => b.Id == id, cancellationToken) is { } blocked)
        {
            db.BlockedAddresses.Remove(blocked);
            await db.SaveChangesAsync(cancellationToken);
            this.Flash($"{blocked.Email} can be invited and sign in again.");
        }
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Blocked = await db.BlockedAddresses.AsNoTracking().OrderBy(b => b.Email).ToListAsync(cancellationToken);
}
