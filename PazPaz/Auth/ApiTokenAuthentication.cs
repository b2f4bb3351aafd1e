using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Auth;

/// <summary>"Authorization: Bearer &lt;personal API token&gt;" for integrations.</summary>
public sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, PazPazDb db, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "pazpaz:api-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 100) return AuthenticateResult.Fail("Malformed token.");

        var hash = Tokens.Hash(token);
        // Read only (nothing here is saved through the change tracker): tracking three entities per request costs more than the query.
        var apiToken = await db.ApiTokens.IgnoreQueryFilters([PazPazDb.WallFilter]).AsNoTracking()
            .Include(t => t.User).ThenInclude(u => u!.Workspace)
            .FirstOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        var now = clock.GetUtcNow();
        // Revoked and expired tokens answer exactly like unknown ones.
        if (apiToken is null || !apiToken.Works(now) || apiToken.User is not { IsActive: true } user || user.Workspace is not { IsActive: true })
            return AuthenticateResult.Fail("Invalid token.");

        // Cheap "last used" without a write per request: at most once a minute.
        if (apiToken.LastUsedAt is null || now - apiToken.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.ApiTokens.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(t => t.Id == apiToken.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);

        Context.Items[RoleGate.RoleKey] = user.Role;
        var principal = SignInLinks.Principal(user, now, SchemeName);
        // Which token asked: the API's rate limit counts per token.
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new(TokenIdClaim, apiToken.Id.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
