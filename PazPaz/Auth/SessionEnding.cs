using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Auth;

/// <summary>Ends server-held sessions (sign-out, Settings → Sessions) and records each in the audit trail.</summary>
public sealed class SessionEnding(PazPazDb db, AuditLog audit, CurrentUser current, TimeProvider clock)
{
    /// <summary>Ends this request's own session and removes its cookie.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken = default)
    {
        if (current.SessionId is { } id &&
            await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter]).FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is { } session)
            await EndAsync(session, SessionEndReason.SignOut, cancellationToken);
        else if (current.IsSignedIn)
            await audit.RecordAsync(AuditAction.Logout, nameof(User), current.UserId, current.WorkspaceId, current.UserId, cancellationToken: cancellationToken);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    public async Task EndAsync(UserSession session, SessionEndReason reason, CancellationToken cancellationToken = default)
    {
        if (session.EndedAt is not null) return;
        session.End(reason, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await RecordAsync(session, reason, cancellationToken);
    }

    /// <summary>
    /// The platform admin's bulk ending (a practice suspended, an address blocked): one UPDATE across workspaces, so the
    /// wall's per-row write check, meant for a practice's own requests, is not in the way. Returns how many ended.
    /// </summary>
    public Task<int> EndAllAsync(IQueryable<UserSession> sessions, SessionEndReason reason, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return sessions.Where(s => s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), cancellationToken);
    }

    /// <summary>"Sign out everywhere": every open session of the user ends and the security stamp changes.</summary>
    public async Task EndEverywhereAsync(User user, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var open = await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(s => s.UserId == user.Id && s.EndedAt == null).ToListAsync(cancellationToken);
        foreach (var session in open) session.End(SessionEndReason.Everywhere, now);
        user.SignOutEverywhere();
        await db.SaveChangesAsync(cancellationToken);
        foreach (var session in open) await RecordAsync(session, SessionEndReason.Everywhere, cancellationToken);
    }

    /// <summary>
    /// Ends every open session of a user someone else deactivated: the changed security stamp already refuses their cookies,
    /// this closes the rows so Settings → Sessions and the audit trail say so.
    /// </summary>
    public async Task EndDeactivatedAsync(User user, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var open = await db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(s => s.UserId == user.Id && s.EndedAt == null).ToListAsync(cancellationToken);
        foreach (var session in open) session.End(SessionEndReason.Deactivated, now);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var session in open) await RecordAsync(session, SessionEndReason.Deactivated, cancellationToken);
    }

    /// <summary>"Session ended": the user, the session, and why.</summary>
    private Task RecordAsync(UserSession session, SessionEndReason reason, CancellationToken cancellationToken) =>
        audit.RecordAsync(AuditAction.Logout, nameof(UserSession), session.Id, session.WorkspaceId, session.UserId,
            new { @event = "session_ended", reason = Data.Configurations.ModelConventions.SnakeCase(reason.ToString()) }, cancellationToken);
}
