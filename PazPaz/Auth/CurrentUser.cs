using System.Security.Claims;
using PazPaz.Domain;

namespace PazPaz.Auth;

/// <summary>
/// Who is asking, for this request (or job). The workspace wall reads <see cref="WorkspaceId"/>: it comes only
/// from the signed-in user's claims or the API token, never from a URL or a form.
/// </summary>
public sealed class CurrentUser
{
    public Guid? UserId { get; private set; }
    public Guid? WorkspaceId { get; private set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>True when the request came with an API token: an integration acted, not the person at the screen.</summary>
    public bool ViaApi { get; private set; }
    /// <summary>The server-held browser session of this request (none for API tokens and jobs).</summary>
    public Guid? SessionId { get; private set; }
    /// <summary>
    /// The user's role as of this request, read with the session or token check (no extra query); null for jobs and tests
    /// that set a user by hand — <see cref="RoleGate.RoleAsync"/> then reads it.
    /// </summary>
    public UserRole? Role { get; set; }

    /// <summary>The practice's name for the page header, read with the session check (no extra query); null when not read.</summary>
    public string? WorkspaceName { get; set; }

    public bool IsSignedIn => UserId is not null && WorkspaceId is not null;

    /// <summary>For navigation: whether to show what belongs to <paramref name="area"/> (the role gate refuses it anyway).</summary>
    public bool May(Area area) => Role is { } role && RolePolicy.Allows(role, area);

    public void Set(Guid userId, Guid workspaceId)
    {
        UserId = userId;
        WorkspaceId = workspaceId;
    }

    public void SetFrom(ClaimsPrincipal principal)
    {
        if (Guid.TryParse(principal.FindFirstValue(PazPazClaims.UserId), out var userId) &&
            Guid.TryParse(principal.FindFirstValue(PazPazClaims.WorkspaceId), out var workspaceId))
        {
            Set(userId, workspaceId);
            ViaApi = principal.Identity?.AuthenticationType == ApiTokenAuthentication.SchemeName;
            SessionId = Guid.TryParse(principal.FindFirstValue(PazPazClaims.SessionId), out var sessionId) ? sessionId : null;
        }
    }

    /// <summary>This request no longer acts as anyone (its session just ended, e.g. before accepting an invitation).</summary>
    public void Forget()
    {
        UserId = null;
        WorkspaceId = null;
        SessionId = null;
        ViaApi = false;
    }

    public Guid RequireWorkspaceId() => WorkspaceId ?? throw new InvalidOperationException("No workspace in this request.");
    public Guid RequireUserId() => UserId ?? throw new InvalidOperationException("No signed-in user in this request.");
}

public static class PazPazClaims
{
    public const string UserId = "pazpaz:user";
    public const string WorkspaceId = "pazpaz:workspace";
    public const string SecurityStamp = "pazpaz:stamp";
    public const string PlatformAdmin = "pazpaz:platform-admin";
    public const string SignedInAt = "pazpaz:signed-in-at";
    public const string SessionId = "pazpaz:session";
}
