using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Auth;

/// <summary>
/// Checked on every request with a session cookie: the user is still active, the workspace still active,
/// the security stamp unchanged (sign out everywhere) and the absolute lifetime not exceeded.
/// </summary>
public static class SessionValidation
{
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromDays(7);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (principal is null ||
            !Guid.TryParse(principal.FindFirst(PazPazClaims.UserId)?.Value, out var userId) ||
            !long.TryParse(principal.FindFirst(PazPazClaims.SignedInAt)?.Value, out var signedInAt) ||
            now - DateTimeOffset.FromUnixTimeSeconds(signedInAt) > AbsoluteLifetime)
        {
            await RejectAsync(context);
            return;
        }

        var db = services.GetRequiredService<PazPazDb>();
        var stamp = principal.FindFirst(PazPazClaims.SecurityStamp)?.Value;
        var stillValid = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).AnyAsync(u =>
            u.Id == userId && u.IsActive && u.SecurityStamp == stamp && u.Workspace!.Status == WorkspaceStatus.Active);
        if (!stillValid) await RejectAsync(context);
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
