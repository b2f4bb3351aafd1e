using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Auth;

/// <summary>
/// Checked on every request with a session cookie: the server-held session it names is still open (not ended, not past
/// its absolute lifetime, not idle), the user and the workspace still active, and the security stamp unchanged.
/// Activity is written to the session at most once a minute, and never for requests that leave the session idle.
/// </summary>
public static class SessionValidation
{
    public static readonly TimeSpan AbsoluteLifetime = UserSession.AbsoluteLifetime;
    public const string WorkspaceNameKey = "pazpaz:workspace-name";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (principal is null ||
            !Guid.TryParse(principal.FindFirst(PazPazClaims.UserId)?.Value, out var userId) ||
            !Guid.TryParse(principal.FindFirst(PazPazClaims.SessionId)?.Value, out var sessionId))
        {
            await RejectAsync(context);
            return;
        }

        var db = services.GetRequiredService<PazPazDb>();
        var stamp = principal.FindFirst(PazPazClaims.SecurityStamp)?.Value;
        var found = await (
            from s in db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter])
            join u in db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]) on s.UserId equals u.Id
            where s.Id == sessionId && u.Id == userId && u.IsActive && u.SecurityStamp == stamp && u.Workspace!.Status == WorkspaceStatus.Active
            select new { Session = s, u.Role, OwesTwoFactor = !u.TotpEnabled && u.Workspace!.RequireTwoFactor, WorkspaceName = u.Workspace!.Name })
            .AsNoTracking().FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        var idle = TimeSpan.FromMinutes(services.GetRequiredService<IOptions<PazPazOptions>>().Value.SessionIdleMinutes);
        if (found is not { Session: var session } || !session.IsActive(now, idle))
        {
            await RejectAsync(context);
            return;
        }
        // Read in the same query, for TwoFactorRequirement, the role gate and the page header: one round trip, not three.
        context.HttpContext.Items[TwoFactorRequirement.OwedKey] = found.OwesTwoFactor;
        context.HttpContext.Items[RoleGate.RoleKey] = found.Role;
        context.HttpContext.Items[WorkspaceNameKey] = found.WorkspaceName;
        if (session.LastSeenIsStale(now) && !LeavesSessionIdle.Applies(context.HttpContext))
            await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), context.HttpContext.RequestAborted);
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
