using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notifications;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Auth;

/// <summary>
/// Passwordless sign-in: a request records a link e-mail in the deliveries outbox (the link itself is made when the
/// e-mail is written, so no usable token waits in the database), the link is redeemed once, and
/// <see cref="SignInAsync"/> starts a server-held session.
/// </summary>
public sealed class SignInLinks(PazPazDb db, AuditLog audit, TimeProvider clock, IOptions<PazPazOptions> options, SignInMail mail)
{
    /// <summary>
    /// Records a sign-in e-mail for the address when it belongs to an active account and <paramref name="send"/> is
    /// true, and wakes the sender. The same statement runs for every address, known or not, allowed or not, and the
    /// e-mail goes out in the background: the request costs the same and cannot fail on the mail server.
    /// </summary>
    public async Task RequestAsync(string emailAddress, string? ip, bool send, CancellationToken cancellationToken = default)
    {
        var normalized = User.NormalizeEmail(emailAddress);
        var now = clock.GetUtcNow();
        // One e-mail per address, however many practices it belongs to: the row names the oldest account and the
        // e-mail carries a link for each (NotificationMessages). The key is unique per request; the IP rides along in it.
        var key = $"sign-in:{Guid.CreateVersion7()}@{ip}";
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO notification_deliveries (id, workspace_id, user_id, kind, occasion_key, due_at, status, attempts, created_at, updated_at)
            SELECT gen_random_uuid(), u.workspace_id, u.id, {NotificationKinds.SignInLink}, {key}, {now}, 'pending', 0, {now}, {now}
            FROM users u JOIN workspaces w ON w.id = u.workspace_id AND w.status = 'active'
            WHERE u.email = {normalized} AND u.is_active AND {send}
            ORDER BY u.created_at, u.id
            LIMIT 1
            """, cancellationToken);
        mail.Wake();
    }

    /// <summary>
    /// Writes the sign-in e-mail for an outbox row: a fresh link for every active account with the address, made now so
    /// that it is valid for its full lifetime when it arrives. Called by the sender just before handing it to SMTP.
    /// </summary>
    public static async Task<EmailMessage?> ComposeAsync(PazPazDb db, string baseUrl, NotificationDelivery delivery, User user, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var users = await AbleToSignIn(db).Where(u => u.Email == user.Email)
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToListAsync(cancellationToken);
        if (users.Count == 0) return null;
        var at = delivery.OccasionKey.LastIndexOf('@');
        var ip = at >= 0 && at < delivery.OccasionKey.Length - 1 ? delivery.OccasionKey[(at + 1)..] : null;
        var links = users.Select(u => (u.Workspace!, Issue(db, baseUrl, u, now, ip))).ToList();
        await db.SaveChangesAsync(cancellationToken);
        return Message(users[0].Email, users[0].FullName, links);
    }

    /// <summary>For the operator command line: a link for one user, printed instead of e-mailed.</summary>
    public async Task<string?> CreateForOperatorAsync(string emailAddress, CancellationToken cancellationToken = default)
    {
        var normalized = User.NormalizeEmail(emailAddress);
        var user = await ActiveUsers().Where(u => u.Email == normalized).OrderBy(u => u.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (user is null) return null;
        var url = Issue(db, options.Value.PublicBaseUrl, user, clock.GetUtcNow(), ip: null);
        await db.SaveChangesAsync(cancellationToken);
        return url;
    }

    /// <summary>Consumes the link (at most once, even under concurrent clicks) and returns its user when it was valid.</summary>
    public async Task<User?> RedeemAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) { await FailedAsync(null, "malformed", cancellationToken); return null; }
        var hash = Tokens.Hash(token);
        var now = clock.GetUtcNow();
        var link = await db.SignInLinks.AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, cancellationToken);
        if (link is null) { await FailedAsync(null, "unknown", cancellationToken); return null; }
        if (!link.CanBeUsed(now)) { await FailedAsync(link.UserId, link.UsedAt is null ? "expired" : "already_used", cancellationToken); return null; }

        // Single use: only the request whose UPDATE flips used_at wins.
        var claimed = await db.SignInLinks.Where(l => l.Id == link.Id && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), cancellationToken);
        if (claimed == 0) { await FailedAsync(link.UserId, "already_used", cancellationToken); return null; }

        var user = await ActiveUsers().FirstOrDefaultAsync(u => u.Id == link.UserId, cancellationToken);
        if (user is null) { await FailedAsync(link.UserId, "inactive", cancellationToken); return null; }
        // With two-step sign-in on, the link alone signs nobody in: the code page records the sign-in (Pages/Account/Code).
        if (user.TotpEnabled) return user;
        user.RecordSignIn(now);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditAction.Login, nameof(User), user.Id, user.WorkspaceId, user.Id, new { method = "email_link" }, cancellationToken);
        return user;
    }

    public static ClaimsPrincipal Principal(User user, DateTimeOffset now, string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme,
        Guid? sessionId = null)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.FullName),
            new(ClaimTypes.Email, user.Email),
            new(PazPazClaims.UserId, user.Id.ToString()),
            new(PazPazClaims.WorkspaceId, user.WorkspaceId.ToString()),
            new(PazPazClaims.SecurityStamp, user.SecurityStamp),
            new(PazPazClaims.SignedInAt, now.ToUnixTimeSeconds().ToString()),
        ];
        if (user.IsPlatformAdmin) claims.Add(new(PazPazClaims.PlatformAdmin, "true"));
        if (sessionId is { } id) claims.Add(new(PazPazClaims.SessionId, id.ToString()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    /// <summary>
    /// The one way into a browser session, once the user is proven (link redeemed, and second factor if any): records
    /// the server-held session (IP, browser) and gives the browser a cookie that names it.
    /// </summary>
    public static async Task SignInAsync(HttpContext http, User user, DateTimeOffset now)
    {
        var db = http.RequestServices.GetRequiredService<PazPazDb>();
        var session = UserSession.Start(user, now, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(http.RequestAborted);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, now, sessionId: session.Id),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    private IQueryable<User> ActiveUsers() => AbleToSignIn(db);

    /// <summary>Active users of active practices whose address the platform admin has not blocked.</summary>
    private static IQueryable<User> AbleToSignIn(PazPazDb db) =>
        db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Include(u => u.Workspace)
            .Where(u => u.IsActive && u.Workspace!.Status == WorkspaceStatus.Active && !db.BlockedAddresses.Any(b => b.Email == u.Email));

    private static string Issue(PazPazDb db, string baseUrl, User user, DateTimeOffset now, string? ip)
    {
        var token = Tokens.New();
        db.SignInLinks.Add(SignInLink.Issue(user.Id, Tokens.Hash(token), now, ip));
        return $"{baseUrl.TrimEnd('/')}/sign-in/link?token={token}";
    }

    private Task FailedAsync(Guid? userId, string reason, CancellationToken cancellationToken) =>
        audit.RecordAsync(AuditAction.LoginFailed, nameof(User), userId, null, userId, new { reason }, cancellationToken);

    private static EmailMessage Message(string to, string name, List<(Workspace Workspace, string Url)> links)
    {
        var minutes = (int)SignInLink.Lifetime.TotalMinutes;
        var text = $"Hello {name},\n\nUse this link to sign in to PazPaz. It works once, for {minutes} minutes.\n\n" +
            string.Join("\n", links.Select(l => links.Count > 1 ? $"{l.Workspace.Name}: {l.Url}" : l.Url)) +
            "\n\nIf you did not ask to sign in, you can ignore this e-mail.\n";
        var buttons = string.Join("", links.Select(l =>
            $"<p><a href=\"{WebUtility.HtmlEncode(l.Url)}\" style=\"display:inline-block;background:#0d9488;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none\">" +
            $"Sign in{(links.Count > 1 ? " to " + WebUtility.HtmlEncode(l.Workspace.Name) : "")}</a></p>"));
        var html = $"<p>Hello {WebUtility.HtmlEncode(name)},</p><p>Use this link to sign in to PazPaz. It works once, for {minutes} minutes.</p>" +
            buttons + "<p style=\"color:#6b7280\">If you did not ask to sign in, you can ignore this e-mail.</p>";
        return new EmailMessage(to, "Your PazPaz sign-in link", text, html);
    }
}
