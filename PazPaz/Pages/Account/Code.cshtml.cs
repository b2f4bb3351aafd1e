using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Account;

/// <summary>
/// The second step of signing in for someone with two-step sign-in on: after the link's confirm button, a code from the
/// authenticator app or a backup code. Five tries per link, then the link is void.
/// </summary>
public sealed class CodeModel(PazPazDb db, SecondFactor secondFactor, TwoFactorThrottle throttle, AuditLog audit, TimeProvider clock) : PageModel
{
    public enum Outcome { AskForCode, Expired, TooManyWrongCodes, TooManyAttempts }

    [BindProperty] public string? Code { get; set; }
    public Outcome State { get; private set; } = Outcome.AskForCode;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.Identity?.IsAuthenticated == true) return Redirect("/calendar");
        if (await PendingAsync(cancellationToken) is null) State = Outcome.Expired;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await throttle.TryAcquireForIpAsync(HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken)) return TooManyAttempts();
        if (await PendingAsync(cancellationToken) is not { } pending) { State = Outcome.Expired; return Page(); }
        var (link, user) = pending;
        if (await throttle.UserIsBlockedAsync(user.Id, cancellationToken)) return TooManyAttempts();
        if (Code is not { Length: <= 100 } || (Totp.NormalizeCode(Code) is null && TotpBackupCode.Normalize(Code) is null))
        {
            // Not a guess at all (empty, letters where digits go, pasted junk): no try is used up.
            ModelState.AddModelError(nameof(Code), "Enter the 6-digit code from your authenticator app, or one of your backup codes.");
            return Page();
        }

        var now = clock.GetUtcNow();
        // Take one of the link's five tries before looking at the code, so tries sent at once cannot exceed five.
        var reserved = await db.SignInLinks.Where(l => l.Id == link.Id && l.CodeAcceptedAt == null && l.CodeAttempts < SignInLink.MaxCodeAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.CodeAttempts, l => l.CodeAttempts + 1), cancellationToken);
        if (reserved == 0) return await VoidAsync(user, cancellationToken);

        var check = await secondFactor.CheckAsync(user, Code, "sign_in", cancellationToken);
        if (check is CodeCheck.Accepted or CodeCheck.BackupCodeAccepted)
            return await FinishAsync(link, user, check, now, cancellationToken);

        var attempts = await db.SignInLinks.Where(l => l.Id == link.Id).Select(l => l.CodeAttempts).SingleAsync(cancellationToken);
        if (attempts >= SignInLink.MaxCodeAttempts) return await VoidAsync(user, cancellationToken);
        var left = SignInLink.MaxCodeAttempts - attempts;
        ModelState.AddModelError(nameof(Code), (check == CodeCheck.Replayed
            ? "That code was used already. Wait for the next code in your app. "
            : "That code is not right. Check that it is the PazPaz entry in your app. ") +
            (left == 1 ? "One try left." : $"{left} tries left."));
        Code = null;
        return Page();
    }

    private async Task<IActionResult> FinishAsync(SignInLink link, User user, CodeCheck check, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One sign-in per link, even if the same cookie is presented twice at once.
        var finished = await db.SignInLinks.Where(l => l.Id == link.Id && l.CodeAcceptedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.CodeAcceptedAt, now), cancellationToken);
        SecondFactor.EndSignIn(HttpContext);
        if (finished == 0) { State = Outcome.Expired; return Page(); }

        user.RecordSignIn(now);
        await db.SaveChangesAsync(cancellationToken);
        var method = check == CodeCheck.Accepted ? "email_link+totp" : "email_link+backup_code";
        await audit.RecordAsync(AuditAction.Login, nameof(PazPaz.Domain.User), user.Id, user.WorkspaceId, user.Id, new { method }, cancellationToken);
        await SignInLinks.SignInAsync(HttpContext, user, now);

        var left = check == CodeCheck.BackupCodeAccepted ? await secondFactor.UnusedBackupCodesAsync(user.Id, cancellationToken) : -1;
        TempData["Flash.Success"] = left switch
        {
            < 0 => $"Welcome, {user.FullName}.",
            0 => $"Welcome, {user.FullName}. That was your last backup code: make new ones under Settings → Security.",
            _ => $"Welcome, {user.FullName}. You have {left} backup {(left == 1 ? "code" : "codes")} left.",
        };
        return Redirect("/calendar");
    }

    private async Task<IActionResult> VoidAsync(User user, CancellationToken cancellationToken)
    {
        SecondFactor.EndSignIn(HttpContext);
        await audit.RecordAsync(AuditAction.LoginFailed, nameof(PazPaz.Domain.User), user.Id, user.WorkspaceId, user.Id,
            new { reason = "too_many_codes" }, cancellationToken);
        State = Outcome.TooManyWrongCodes;
        Code = null;
        return Page();
    }

    private IActionResult TooManyAttempts()
    {
        State = Outcome.TooManyAttempts;
        Response.Headers.RetryAfter = ((int)TwoFactorThrottle.Window.TotalSeconds).ToString();
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Page();
    }

    /// <summary>The confirmed link this browser carries, while it still waits for a code, with its (active) user.</summary>
    private async Task<(SignInLink Link, User User)?> PendingAsync(CancellationToken cancellationToken)
    {
        if (secondFactor.PendingLinkId(HttpContext) is not { } linkId) return null;
        var link = await db.SignInLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null || !link.AwaitsCode(clock.GetUtcNow())) return null;
        var user = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Include(u => u.Workspace)
            .FirstOrDefaultAsync(u => u.Id == link.UserId && u.IsActive && u.Workspace!.Status == WorkspaceStatus.Active && u.TotpEnabled, cancellationToken);
        return user is null ? null : (link, user);
    }
}
