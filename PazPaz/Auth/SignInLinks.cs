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

/// <summary>Passwordless sign-in: issue a one-time link, e-mail it, redeem it once.</summary>
public sealed class SignInLinks(PazPazDb db, EmailSender email, AuditLog audit, TimeProvider clock, IOptions<PazPazOptions> options)
{
    /// <summary>More links than this per address in <see cref="EmailWindow"/> are silently not sent.</summary>
    public const int MaxLinksPerEmail = 5;
    public static readonly TimeSpan EmailWindow = TimeSpan.FromMinutes(15);

    /// <summary>Sends a link to every active account with this address. Says nothing about whether one exists.</summary>
    public async Task RequestAsync(string emailAddress, string? ip, CancellationToken cancellationToken = default)
    {
        var normalized = User.NormalizeEmail(emailAddress);
        var now = clock.GetUtcNow();
        var users = await ActiveUsers().Where(u => u.Email == normalized).ToListAsync(cancellationToken);
        if (users.Count == 0) return;

        var recent = await db.SignInLinks.IgnoreQueryFilters().CountAsync(l => l.User!.Email == normalized && l.CreatedAt > now - EmailWindow, cancellationToken);
        if (recent >= MaxLinksPerEmail) return;

        var links = new List<(Workspace Workspace, string Url)>();
        foreach (var user in users)
            links.Add((user.Workspace!, Issue(user, now, ip)));
        await db.SaveChangesAsync(cancellationToken);
        await email.SendAsync(Message(normalized, users[0].FullName, links), cancellationToken);
    }

    /// <summary>For the operator command line: a link for one user, printed instead of e-mailed.</summary>
    public async Task<string?> CreateForOperatorAsync(string emailAddress, CancellationToken cancellationToken = default)
    {
        var normalized = User.NormalizeEmail(emailAddress);
        var user = await ActiveUsers().Where(u => u.Email == normalized).OrderBy(u => u.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (user is null) return null;
        var url = Issue(user, clock.GetUtcNow(), ip: null);
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

    public static ClaimsPrincipal Principal(User user, DateTimeOffset now, string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme)
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
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    public static Task SignInAsync(HttpContext http, User user, DateTimeOffset now) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, now),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

    private IQueryable<User> ActiveUsers() =>
        db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Include(u => u.Workspace)
            .Where(u => u.IsActive && u.Workspace!.Status == WorkspaceStatus.Active);

    private string Issue(User user, DateTimeOffset now, string? ip)
    {
        var token = Tokens.New();
        db.SignInLinks.Add(SignInLink.Issue(user.Id, Tokens.Hash(token), now, ip));
        return $"{options.Value.PublicBaseUrl.TrimEnd('/')}/sign-in/link?token={token}";
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
