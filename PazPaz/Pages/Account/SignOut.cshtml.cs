using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Account;

public sealed class SignOutModel(AuditLog audit, CurrentUser current) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (current.IsSignedIn)
            await audit.RecordAsync(AuditAction.Logout, nameof(User), current.UserId, current.WorkspaceId, current.UserId, cancellationToken: cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        TempData["Flash.Info"] = "You are signed out.";
        return Redirect("/sign-in");
    }
}
