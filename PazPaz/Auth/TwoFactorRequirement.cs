using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using PazPaz.Api;
using PazPaz.Data;

namespace PazPaz.Auth;

/// <summary>
/// When an owner requires two-step sign-in, a signed-in person without it can do nothing else until they set it up: every
/// page sends them to Settings → Security, and the API answers 403 saying why. API tokens are not held back: an integration
/// cannot type a code, the person who made the token signed in to make it, and an owner can revoke tokens.
/// </summary>
public static class TwoFactorRequirement
{
    public const string EnrolPath = "/settings/security";

    /// <summary>
    /// What stays reachable while set-up is owed: the set-up itself, signing out, error pages, health checks, and an
    /// invitation's page (accepting it signs this account out and someone else in).
    /// </summary>
    private static readonly string[] Open = [EnrolPath, "/sign-out", "/sign-in", "/error", "/healthz", "/readyz", "/dev", "/invitations"];

    /// <summary>HttpContext.Items key: whether set-up is owed, as the session check read it with the session.</summary>
    public const string OwedKey = "pazpaz:two-factor-owed";

    public static Task<bool> AppliesToAsync(PazPazDb db, Guid userId, CancellationToken cancellationToken) =>
        db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.Id == userId)
            .Select(u => !u.TotpEnabled && u.Workspace!.RequireTwoFactor).FirstOrDefaultAsync(cancellationToken);

    public static IApplicationBuilder UseTwoFactorRequirement(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var current = http.RequestServices.GetRequiredService<CurrentUser>();
        if (current.UserId is not { } userId ||
            http.User.Identity?.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme ||
            Open.Any(path => http.Request.Path.StartsWithSegments(path)) ||
            !(http.Items.TryGetValue(OwedKey, out var owed) && owed is bool known
                ? known
                : await AppliesToAsync(http.RequestServices.GetRequiredService<PazPazDb>(), userId, http.RequestAborted)))
        {
            await next(http);
            return;
        }

        if (ApiSetup.IsApiRequest(http))
        {
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-step sign-in required.",
                detail: $"This practice requires two-step sign-in. Set it up in Settings → Security ({EnrolPath}) first; API tokens are not affected.")
                .ExecuteAsync(http);
        }
        else if (http.Request.Headers["HX-Request"] == "true")
        {
            // htmx would swap a redirect's page into a fragment; it follows HX-Redirect as a full navigation instead.
            http.Response.Headers["HX-Redirect"] = EnrolPath;
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            http.Response.Redirect(EnrolPath);
        }
    });
}
