using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Team;

namespace PazPaz.Pages.Admin;

/// <summary>
/// The platform admin invites a therapist (accepting creates their practice) and looks after every invitation still
/// waiting or expired, therapists' and assistants' alike: resend (a new link; the old one stops working) or revoke.
/// </summary>
[PlatformAdminOnly]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class InvitationsModel(PazPazDb db, CurrentUser current, Invitations invitations, TimeProvider clock) : PageModel
{
    public sealed class InviteInput
    {
        public string? FullName { get; set; }
        public string? Email { get; set; }
        public string? WorkspaceName { get; set; }
        public string? TimeZone { get; set; }
    }

    public sealed record Row(Invitation Invitation, string Practice, InvitationState State);

    [BindProperty] public InviteInput Input { get; set; } = new() { TimeZone = "Asia/Jerusalem" };
    public List<Row> Waiting { get; private set; } = [];
    public List<string> Zones { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        foreach (var (field, problem) in Invitation.Problems(Input.Email, Input.FullName)) ModelState.AddModelError($"Input.{field}", problem);
        foreach (var (field, problem) in Workspace.Problems(Input.WorkspaceName, Input.TimeZone))
            ModelState.AddModelError(field == nameof(Workspace.Name) ? "Input.WorkspaceName" : "Input.TimeZone", problem);
        if (ModelState.IsValid)
        {
            try
            {
                var invitation = await invitations.InviteTherapistAsync(await AdminAsync(cancellationToken), Input.Email, Input.FullName,
                    Input.WorkspaceName, Input.TimeZone, cancellationToken);
                this.Flash($"Invitation sent to {invitation.Email}: accepting it creates {invitation.WorkspaceName}.");
                return RedirectToPage();
            }
            catch (DomainException e) { ModelState.AddModelError("Input.Email", e.Message); }
        }
        await LoadAsync(cancellationToken);
        return this.FormWithErrors();
    }

    public Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken cancellationToken) => ChangeAsync(id, async (invitation, admin) =>
    {
        await invitations.ResendAsync(invitation, admin, cancellationToken);
        return $"A new invitation went to {invitation.Email}; the earlier link no longer works.";
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken) => ChangeAsync(id, async (invitation, _) =>
    {
        await invitations.RevokeAsync(invitation, cancellationToken);
        return $"The invitation to {invitation.Email} is revoked: its link no longer works.";
    }, cancellationToken);

    private async Task<IActionResult> ChangeAsync(Guid id, Func<Invitation, User, Task<string>> change, CancellationToken cancellationToken)
    {
        if (await db.Invitations.IgnoreQueryFilters([PazPazDb.WallFilter]).FirstOrDefaultAsync(i => i.Id == id, cancellationToken) is not { } invitation)
            return NotFound();
        try
        {
            this.Flash(await change(invitation, await AdminAsync(cancellationToken)));
        }
        catch (DomainException e)
        {
            this.Flash(e.Message, "Error");
        }
        return RedirectToPage();
    }

    private Task<User> AdminAsync(CancellationToken cancellationToken) =>
        db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).SingleAsync(u => u.Id == current.RequireUserId(), cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        Zones = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id).Order(StringComparer.Ordinal).ToList();
        // Waiting or expired (not accepted, not revoked): the ones an admin may still resend or revoke.
        var practices = db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter]);
        var rows = await db.Invitations.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(i => i.Status == InvitationStatus.Pending)
            .OrderByDescending(i => i.CreatedAt).Take(200)
            .Select(i => new { Invitation = i, Practice = practices.Where(w => w.Id == i.WorkspaceId).Select(w => w.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        Waiting = rows.Select(r => new Row(r.Invitation, r.Practice ?? r.Invitation.WorkspaceName ?? "", r.Invitation.StateAt(now))).ToList();
    }
}
