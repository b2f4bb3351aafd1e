using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Auth;

namespace PazPaz.Pages.Account;

public sealed class SignOutModel(SessionEnding sessions) : PageModel
{
    public void OnGet() { }

    /// <summary>Ends the session on the server, so a copy of the cookie is worthless from now on.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await sessions.SignOutAsync(HttpContext, cancellationToken);
        TempData["Flash.Info"] = "You are signed out.";
        return Redirect("/sign-in");
    }
}
