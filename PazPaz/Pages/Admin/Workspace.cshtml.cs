using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Admin;

/// <summary>
/// One practice as the platform admin sees it: its people, counts and usage (never a client's name or record), and the
/// verbs suspend, reactivate and delete. Suspending or deleting ends every session of the practice at once; its API
/// tokens, feeds and e-mails stop because each checks that the practice is active.
/// </summary>
[PlatformAdminOnly]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class WorkspaceModel(PazPazDb db, CurrentUser current, AuditLog audit, SessionEnding sessions, TimeProvider clock) : PageModel
{
    public sealed record Person(string FullName, string Email, UserRole Role, bool IsActive, bool TwoStep, DateTimeOffset? LastSignInAt, bool IsPlatformAdmin);

    public Workspace Practice { get; private set; } = null!;
    public List<Person> People { get; private set; } = [];
    public int Clients { get; private set; }
    public int Appointments { get; private set; }
    public int Notes { get; private set; }
    public int Files { get; private set; }
    public int OpenSessions { get; private set; }
    /// <summary>The admin's own practice: suspending or deleting it would lock the admin out.</summary>
    public bool IsOwnPractice => Practice.Id == current.WorkspaceId;
    [BindProperty] public string? ConfirmName { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) && await LoadDetailsAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, "suspend", w => w.Suspend(), w => w.IsActive, "suspended: nobody can sign in and no e-mail goes out", cancellationToken);

    public Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, "reactivate", w => w.Reactivate(), w => !w.IsActive, "active again", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken)) return NotFound();
        if (!string.Equals(ConfirmName?.Trim(), Practice.Name, StringComparison.Ordinal))
        {
            ModelState.AddModelError(nameof(ConfirmName), $"Type the practice's name, {Practice.Name}, exactly to delete it.");
            await LoadDetailsAsync(id, cancellationToken);
            return this.FormWithErrors();
        }
        var now = clock.GetUtcNow();
        return await ChangeAsync(id, "delete", w => w.SoftDelete(now), w => w.Status != WorkspaceStatus.Deleted,
            "deleted: its data is kept and it can be reactivated", cancellationToken);
    }

    /// <summary>Applies <paramref name="change"/> when <paramref name="applies"/> to the practice as it is; never to the admin's own practice, which it would lock them out of.</summary>
    private async Task<IActionResult> ChangeAsync(Guid id, string verb, Action<Workspace> change, Func<Workspace, bool> applies, string outcome,
        CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken)) return NotFound();
        if (IsOwnPractice && Practice.IsActive)
        {
            this.Flash("This is your own practice: you would lock yourself out. Ask another platform admin.", "Error");
            return RedirectToPage(new { id });
        }
        if (!applies(Practice))
        {
            this.Flash($"{Practice.Name} is {Practice.Status.ToString().ToLowerInvariant()}: nothing changed.", "Info");
            return RedirectToPage(new { id });
        }

        var before = Practice.Status;
        change(Practice);
        await db.SaveChangesAsync(cancellationToken);
        var ended = Practice.IsActive ? 0 : await sessions.EndAllAsync(
            db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(s => s.WorkspaceId == id), SessionEndReason.WorkspaceSuspended, cancellationToken);
        await audit.RecordAsync(AuditAction.Update, nameof(Workspace), id, id, current.UserId,
            new { admin_action = verb, status = new { old = before.ToString(), @new = Practice.Status.ToString() }, sessions_ended = ended }, cancellationToken);
        this.Flash($"{Practice.Name} is {outcome}.");
        return RedirectToPage(new { id });
    }

    private async Task<bool> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter]).FirstOrDefaultAsync(w => w.Id == id, cancellationToken) is not { } practice)
            return false;
        Practice = practice;
        return true;
    }

    /// <summary>What the page shows besides the practice: only for showing it, not before a change's redirect.</summary>
    private async Task<bool> LoadDetailsAsync(Guid id, CancellationToken cancellationToken)
    {
        People = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.WorkspaceId == id).OrderBy(u => u.Role).ThenBy(u => u.FullName)
            .Select(u => new Person(u.FullName, u.Email, u.Role, u.IsActive, u.TotpEnabled, u.LastSignInAt, u.IsPlatformAdmin)).ToListAsync(cancellationToken);
        // Counts only: the console never reads a client's name or record.
        Clients = await db.Clients.IgnoreQueryFilters().CountAsync(c => c.WorkspaceId == id, cancellationToken);
        Appointments = await db.Appointments.IgnoreQueryFilters().CountAsync(a => a.WorkspaceId == id, cancellationToken);
        Notes = await db.SessionNotes.IgnoreQueryFilters().CountAsync(n => n.WorkspaceId == id, cancellationToken);
        Files = await db.Attachments.IgnoreQueryFilters().CountAsync(f => f.WorkspaceId == id, cancellationToken);
        var now = clock.GetUtcNow();
        OpenSessions = await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter])
            .CountAsync(s => s.WorkspaceId == id && s.EndedAt == null && s.ExpiresAt > now, cancellationToken);
        return true;
    }
}
