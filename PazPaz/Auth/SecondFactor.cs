using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Auth;

/// <summary>What checking a typed code came to.</summary>
public enum CodeCheck { Accepted, BackupCodeAccepted, Wrong, Replayed, Malformed }

/// <summary>
/// Two-step sign-in: checks a code from the authenticator app or a backup code (each usable once, decided by a conditional
/// UPDATE so that two submissions at once cannot both win), and carries a confirmed sign-in link to the code page in a
/// protected cookie bound to this browser.
/// </summary>
public sealed class SecondFactor(PazPazDb db, AuditLog audit, TimeProvider clock, TwoFactorThrottle throttle,
    IDataProtectionProvider protection, IWebHostEnvironment environment)
{
    public const string PendingCookie = "pazpaz.2fa";
    private const string CookiePath = "/sign-in";
    private IDataProtector Protector => protection.CreateProtector("PazPaz.SecondFactor.PendingSignIn.v1");

    /// <summary>
    /// Checks <paramref name="typed"/> for <paramref name="user"/> (who has two-step sign-in on) and uses it up when right.
    /// A wrong or replayed code counts against the user's limit and is audited with <paramref name="context"/>.
    /// </summary>
    public async Task<CodeCheck> CheckAsync(User user, string? typed, string context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var result = await UseAsync(user, typed, now, cancellationToken);
        if (result is CodeCheck.Wrong or CodeCheck.Replayed)
        {
            await throttle.RecordFailureAsync(user.Id, cancellationToken);
            await audit.RecordAsync(AuditAction.LoginFailed, nameof(User), user.Id, user.WorkspaceId, user.Id,
                new { reason = result == CodeCheck.Wrong ? "wrong_code" : "replayed_code", context }, cancellationToken);
        }
        else if (result == CodeCheck.BackupCodeAccepted)
        {
            var left = await UnusedBackupCodesAsync(user.Id, cancellationToken);
            await audit.RecordAsync(AuditAction.Update, "TwoFactor", user.Id, user.WorkspaceId, user.Id,
                new { @event = "backup_code_used", context, backup_codes_left = left }, cancellationToken);
        }
        return result;
    }

    private async Task<CodeCheck> UseAsync(User user, string? typed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!user.TotpEnabled || user.TotpSecret is null) return CodeCheck.Wrong;
        if (Totp.NormalizeCode(typed) is { } code)
        {
            if (Totp.MatchingStep(user.TotpSecret, code, now) is not { } step) return CodeCheck.Wrong;
            // Only a later step than the last one taken: a code seen over someone's shoulder is worthless once used.
            var claimed = await Users().Where(u => u.Id == user.Id && u.TotpEnabled && (u.TotpLastUsedStep == null || u.TotpLastUsedStep < step))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastUsedStep, step), cancellationToken);
            return claimed == 1 ? CodeCheck.Accepted : CodeCheck.Replayed;
        }
        if (TotpBackupCode.Normalize(typed) is { } backup)
        {
            var unused = await BackupCodes().Where(c => c.UserId == user.Id && c.UsedAt == null).ToListAsync(cancellationToken);
            // Every row is compared, so the time taken does not tell which one matched.
            var match = unused.Aggregate((TotpBackupCode?)null, (found, c) => c.Matches(backup) ? c : found);
            if (match is null) return CodeCheck.Wrong;
            var claimed = await BackupCodes().Where(c => c.Id == match.Id && c.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken);
            return claimed == 1 ? CodeCheck.BackupCodeAccepted : CodeCheck.Replayed;
        }
        return CodeCheck.Malformed;
    }

    public Task<int> UnusedBackupCodesAsync(Guid userId, CancellationToken cancellationToken) =>
        BackupCodes().CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);

    /// <summary>Replaces the user's backup codes with a fresh set (saved by the caller) and returns the codes to show once.</summary>
    public async Task<List<string>> NewBackupCodesAsync(User user, CancellationToken cancellationToken)
    {
        await BackupCodes().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        var (rows, codes) = TotpBackupCode.NewSet(user, clock.GetUtcNow());
        db.TotpBackupCodes.AddRange(rows);
        return codes;
    }

    public Task RemoveBackupCodesAsync(Guid userId, CancellationToken cancellationToken) =>
        BackupCodes().Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>After the link's confirm button: remember, in this browser only, which confirmed link waits for a code.</summary>
    public async Task BeginSignInAsync(HttpContext http, string token, CancellationToken cancellationToken)
    {
        var hash = Tokens.Hash(token);
        var link = await db.SignInLinks.AsNoTracking().SingleAsync(l => l.TokenHash == hash, cancellationToken);
        http.Response.Cookies.Append(PendingCookie, Protector.Protect(link.Id.ToString()), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = !environment.IsDevelopment() || http.Request.IsHttps,
            Path = CookiePath,
            IsEssential = true,
            // The server decides expiry by its own clock (SignInLink.AwaitsCode); this only lets the browser forget it.
            MaxAge = SignInLink.Lifetime,
        });
    }

    /// <summary>The confirmed link this browser is signing in with, or null (no cookie, tampered, or another app's).</summary>
    public Guid? PendingLinkId(HttpContext http)
    {
        if (http.Request.Cookies[PendingCookie] is not { Length: > 0 and < 1000 } value) return null;
        try
        {
            return Guid.TryParse(Protector.Unprotect(value), out var id) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public static void EndSignIn(HttpContext http) => http.Response.Cookies.Delete(PendingCookie, new CookieOptions { Path = CookiePath });

    private IQueryable<User> Users() => db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]);

    // The code page runs before anyone is signed in, so there is no wall yet; every query names the user.
    private IQueryable<TotpBackupCode> BackupCodes() => db.TotpBackupCodes.IgnoreQueryFilters([PazPazDb.WallFilter]);
}
