using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Team;

namespace PazPaz.Pages.Settings.Team;

/// <summary>
/// Settings → Team (owners): the practice's people with role, two-step status and last sign-in; invite an assistant;
/// resend or revoke invitations; change roles, deactivate and reactivate. Every change is audited (row changes by the audit
/// interceptor, ended sessions by SessionEnding).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[Requires(Area.Team)]
public sealed class IndexModel(PazPazDb db, CurrentUser current, Invitations invitations, SessionEnding ending, TimeProvider clock) : PageModel
{
    public const string NotOwner = "Only the practice owner can manage the team.";

    public sealed record Member(Guid Id, string Name, string Email, UserRole Role, bool TwoStep, DateTimeOffset? LastSignInAt, bool IsActive, bool IsMe);

    [BindProperty] public InviteInput Input { get; set; } = new();
    public List<Member> Members { get; private set; } = [];
    public List<Invitation> Waiting { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateTimeOffset Now { get; private set; }
    /// <summary>What the last action did (or why it was refused), said inside the part htmx swaps.</summary>
    public string? Message { get; private set; }
    public bool MessageIsError { get; private set; }

    public sealed class InviteInput
    {
        public string? FullName { get; set; }
        public string? Email { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await OwnerAsync(cancellationToken) is null) return Refused();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        if (await OwnerAsync(cancellationToken) is not { } me) return Refused();
        ModelState.AddProblems(Invitation.Problems(Input.Email, Input.FullName));
        if (ModelState.IsValid)
        {
            try
            {
                var invitation = await invitations.InviteAssistantAsync(me, Input.Email, Input.FullName, cancellationToken);
                return await DoneAsync($"Invitation sent to {invitation.FullName} ({invitation.Email}). The link works for 7 days.", cancellationToken);
            }
            catch (DomainException e) { ModelState.AddModelError("Input.Email", e.Message); }
        }
        await LoadAsync(cancellationToken);
        return this.FormWithErrors();
    }

    public Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken cancellationToken) => OnInvitationAsync(id, async (me, invitation) =>
    {
        await invitations.ResendAsync(invitation, me, cancellationToken);
        return $"A new invitation is on its way to {invitation.Email}; the earlier link no longer works.";
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken) => OnInvitationAsync(id, async (_, invitation) =>
    {
        await invitations.RevokeAsync(invitation, cancellationToken);
        return $"The invitation to {invitation.Email} is revoked: its link no longer works.";
    }, cancellationToken);

    public async Task<IActionResult> OnPostRoleAsync(Guid id, string? role, CancellationToken cancellationToken)
    {
        // By name only: a number or an unknown word is a bad request, never some role by default.
        if (!Enum.TryParse<UserRole>(role, ignoreCase: true, out var chosen) || !Enum.GetNames<UserRole>().Contains(role, StringComparer.OrdinalIgnoreCase))
            return BadRequest("Choose the role Owner or Assistant.");
        return await OnMemberAsync(id, (_, user, team) => ChangeRole(user, chosen, team), cancellationToken);
    }

    private static Task<string> ChangeRole(User user, UserRole role, List<User> team)
    {
        user.ChangeRole(role, team);
        return Task.FromResult($"{user.FullName} is now {(role == UserRole.Owner ? "an owner" : "an assistant")}.");
    }

    public Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken cancellationToken) => OnMemberAsync(id, async (me, user, team) =>
    {
        user.DeactivateInTeam(me, team, await db.CalendarFeeds.LiveOf(user).ToListAsync(cancellationToken),
            await db.ApiTokens.UnrevokedOf(user).ToListAsync(cancellationToken), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await ending.EndDeactivatedAsync(user, cancellationToken);
        return $"{user.FullName} is deactivated: signed out everywhere, API tokens and calendar feeds revoked.";
    }, cancellationToken);

    public Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken cancellationToken) => OnMemberAsync(id, (_, user, _) =>
    {
        user.Activate();
        return Task.FromResult($"{user.FullName} can sign in again (their old API tokens and feeds stay revoked).");
    }, cancellationToken);

    /// <summary>
    /// A change to one colleague, with every user of the practice locked for the transaction: two owners demoting each
    /// other at once cannot leave the practice without one.
    /// </summary>
    private async Task<IActionResult> OnMemberAsync(Guid id, Func<User, User, List<User>, Task<string>> change, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(cancellationToken) is null) return Refused();
        var workspaceId = current.RequireWorkspaceId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var team = await db.Users.FromSql($"SELECT * FROM users WHERE workspace_id = {workspaceId} ORDER BY id FOR UPDATE")
            .IgnoreQueryFilters().ToListAsync(cancellationToken);
        // Behind the wall: another practice's user is not in this list.
        if (team.FirstOrDefault(u => u.Id == id) is not { } user) return NotFound();
        var me = team.Single(u => u.Id == current.RequireUserId());
        if (!Workspace.SettingsChangeableBy(me.Role) || !me.IsActive) return Refused();
        try
        {
            var message = await change(me, user, team);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return await DoneAsync(message, cancellationToken);
        }
        catch (DomainException e)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return await RefusedChangeAsync(e.Message, cancellationToken);
        }
    }

    private async Task<IActionResult> OnInvitationAsync(Guid id, Func<User, Invitation, Task<string>> change, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(cancellationToken) is not { } me) return Refused();
        // The wall's filter keeps other practices' (and therapists') invitations out: 404.
        if (await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken) is not { } invitation) return NotFound();
        try
        {
            return await DoneAsync(await change(me, invitation), cancellationToken);
        }
        catch (DomainException e)
        {
            db.ChangeTracker.Clear();
            return await RefusedChangeAsync(e.Message, cancellationToken);
        }
    }

    private async Task<IActionResult> DoneAsync(string message, CancellationToken cancellationToken)
    {
        if (!Request.IsHtmx())
        {
            this.Flash(message);
            return RedirectToPage();
        }
        Message = message;
        ModelState.Clear();
        Input = new();
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult> RefusedChangeAsync(string reason, CancellationToken cancellationToken)
    {
        if (!Request.IsHtmx())
        {
            this.Flash(reason, "Error");
            return RedirectToPage();
        }
        Message = reason;
        MessageIsError = true;
        await LoadAsync(cancellationToken);
        return this.FormWithErrors();
    }

    private async Task<User?> OwnerAsync(CancellationToken cancellationToken)
    {
        var me = await db.Users.AsNoTracking().SingleAsync(u => u.Id == current.RequireUserId(), cancellationToken);
        return Workspace.SettingsChangeableBy(me.Role) ? me : null;
    }

    private ObjectResult Refused() => StatusCode(StatusCodes.Status403Forbidden, NotOwner);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow();
        var zone = await db.Workspaces.Select(w => w.TimeZone).FirstOrDefaultAsync(cancellationToken);
        Zone = zone is null ? TimeZoneInfo.Utc : TimeZones.Find(zone);
        var me = current.RequireUserId();
        Members = (await db.Users.AsNoTracking().ToListAsync(cancellationToken))
            .Select(u => new Member(u.Id, u.FullName, u.Email, u.Role, u.TotpEnabled, u.LastSignInAt, u.IsActive, u.Id == me))
            .OrderByDescending(m => m.IsActive).ThenBy(m => m.Role).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Waiting = await db.Invitations.AsNoTracking().Where(i => i.Status == InvitationStatus.Pending)
            .OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);
    }

    public string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("d MMM yyyy, HH:mm");
}
