using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings.Security;

/// <summary>
/// Two-step sign-in for the signed-in user: set up (QR code, confirm with a code, backup codes shown once), turn off or
/// renew the backup codes (each needs a current code), and, for owners, requiring it of everyone in the practice.
/// </summary>
public sealed class IndexModel(PazPazDb db, CurrentUser current, SecondFactor secondFactor, TwoFactorThrottle throttle,
    AuditLog audit, TimeProvider clock) : PageModel
{
    /// <summary>Which form a code was typed into, so its error shows there.</summary>
    public enum CodeForm { None, Confirm, Disable, Renew }

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public bool Required { get; set; }
    public CodeForm ErrorIn { get; private set; }
    public User Me { get; private set; } = null!;
    public Workspace Workspace { get; private set; } = null!;
    public int BackupCodesLeft { get; private set; }
    /// <summary>Set only in the answer that created them: the codes are never shown again.</summary>
    public List<string>? FreshBackupCodes { get; private set; }

    public bool IsOwner => Workspace.SettingsChangeableBy(Me.Role);
    public bool Enrolling => !Me.TotpEnabled && Me.TotpSecret is not null;
    public bool MustEnrol => Workspace.RequireTwoFactor && !Me.TotpEnabled;
    public string OtpAuthUri => Totp.Uri(Me.TotpSecret!, Me.Email);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!Me.TotpEnabled)
        {
            Me.StartTotpEnrolment(Totp.NewSecret());
            await db.SaveChangesAsync(cancellationToken);
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Enrolling)
        {
            Me.CancelTotpEnrolment();
            await db.SaveChangesAsync(cancellationToken);
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!Enrolling) return RedirectToPage();
        if (await ThrottledAsync(CodeForm.Confirm, cancellationToken) is { } tooMany) return tooMany;
        if (Totp.NormalizeCode(Code) is not { } code)
            return CodeError(CodeForm.Confirm, "Enter the 6-digit code your authenticator app shows for PazPaz.");
        if (Totp.MatchingStep(Me.TotpSecret!, code, clock.GetUtcNow()) is not { } step)
        {
            await throttle.RecordFailureAsync(Me.Id, cancellationToken);
            return CodeError(CodeForm.Confirm, "That code is not right. Check the app's clock is set automatically, and use the newest code.");
        }

        Me.EnableTotp(step, clock.GetUtcNow());
        FreshBackupCodes = await secondFactor.NewBackupCodesAsync(Me, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditAction.Create, "TwoFactor", Me.Id, Me.WorkspaceId, Me.Id, new { @event = "two_factor_enrolled" }, cancellationToken);
        BackupCodesLeft = FreshBackupCodes.Count;
        // Answered here, not after a redirect: the codes exist in this response only.
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!Me.TotpEnabled) return RedirectToPage();
        if (await ThrottledAsync(CodeForm.Disable, cancellationToken) is { } tooMany) return tooMany;
        var check = await secondFactor.CheckAsync(Me, Code, "turn_off", cancellationToken);
        if (CheckError(check, CodeForm.Disable) is { } error) return error;

        Me.DisableTotp();
        await secondFactor.RemoveBackupCodesAsync(Me.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditAction.Delete, "TwoFactor", Me.Id, Me.WorkspaceId, Me.Id,
            new { @event = "two_factor_disabled", with = check == CodeCheck.Accepted ? "code" : "backup_code" }, cancellationToken);
        this.Flash(Workspace.RequireTwoFactor
            ? "Two-step sign-in is off. Your practice requires it, so set it up again (for example on your new phone) to continue."
            : "Two-step sign-in is off. Signing in needs only the e-mailed link now.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenewAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!Me.TotpEnabled) return RedirectToPage();
        if (await ThrottledAsync(CodeForm.Renew, cancellationToken) is { } tooMany) return tooMany;
        var check = await secondFactor.CheckAsync(Me, Code, "new_backup_codes", cancellationToken);
        if (CheckError(check, CodeForm.Renew) is { } error) return error;

        FreshBackupCodes = await secondFactor.NewBackupCodesAsync(Me, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditAction.Update, "TwoFactor", Me.Id, Me.WorkspaceId, Me.Id, new { @event = "backup_codes_renewed" }, cancellationToken);
        BackupCodesLeft = FreshBackupCodes.Count;
        return Page();
    }

    public async Task<IActionResult> OnPostRequirementAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!IsOwner) return Forbid();
        try
        {
            // Audited by the trail as a change of the workspace's require_two_factor (old and new value).
            Workspace.RequireTwoFactorSignIn(Required, Me);
        }
        catch (DomainException e)
        {
            ModelState.AddModelError(nameof(Required), e.Message);
            return this.FormWithErrors();
        }
        await db.SaveChangesAsync(cancellationToken);
        this.Flash(Required
            ? "Everyone in the practice now needs two-step sign-in. Anyone without it sets it up before they can continue."
            : "Two-step sign-in is now each person's choice.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        Me = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        Workspace = await db.Workspaces.SingleAsync(cancellationToken);
        BackupCodesLeft = Me.TotpEnabled ? await secondFactor.UnusedBackupCodesAsync(Me.Id, cancellationToken) : 0;
    }

    private async Task<IActionResult?> ThrottledAsync(CodeForm form, CancellationToken cancellationToken)
    {
        if (await throttle.TryAcquireForIpAsync(HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken) &&
            !await throttle.UserIsBlockedAsync(Me.Id, cancellationToken)) return null;
        Response.Headers.RetryAfter = ((int)TwoFactorThrottle.Window.TotalSeconds).ToString();
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        ModelState.AddModelError(nameof(Code), "Too many codes were tried just now. Wait 15 minutes and try again.");
        ErrorIn = form;
        return Page();
    }

    private IActionResult? CheckError(CodeCheck check, CodeForm form) => check switch
    {
        CodeCheck.Accepted or CodeCheck.BackupCodeAccepted => null,
        CodeCheck.Malformed => CodeError(form, "Enter the 6-digit code from your authenticator app, or one of your backup codes."),
        CodeCheck.Replayed => CodeError(form, "That code was used already. Wait for the next code in your app."),
        _ => CodeError(form, "That code is not right. Use the newest code your app shows for PazPaz, or a backup code."),
    };

    private IActionResult CodeError(CodeForm form, string message)
    {
        ModelState.AddModelError(nameof(Code), message);
        ErrorIn = form;
        Code = null;
        return this.FormWithErrors();
    }
}
