using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Auth;
using PazPaz.Data;

namespace PazPaz.Pages.Account;

public sealed class LinkModel(SignInLinks links, SecondFactor secondFactor, PazPazDb db, TimeProvider clock) : PageModel
{
    public string? Token { get; private set; }
    public bool Failed { get; private set; }

    public void OnGet(string? token)
    {
        Token = token;
        Failed = string.IsNullOrWhiteSpace(token);
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        var user = await links.RedeemAsync(token, cancellationToken);
        if (user is null)
        {
            Failed = true;
            return Page();
        }
        if (user.TotpEnabled)
        {
            // Not signed in yet: the link now waits, in this browser only, for a code from the authenticator app.
            await secondFactor.BeginSignInAsync(HttpContext, token!, cancellationToken);
            return Redirect("/sign-in/code");
        }
        await SignInLinks.SignInAsync(HttpContext, user, clock.GetUtcNow());
        if (await TwoFactorRequirement.AppliesToAsync(db, user.Id, cancellationToken))
        {
            TempData["Flash.Info"] = "Your practice asks everyone to use two-step sign-in. Set it up to continue.";
            return Redirect(TwoFactorRequirement.EnrolPath);
        }
        TempData["Flash.Success"] = $"Welcome, {user.FullName}.";
        return Redirect("/calendar");
    }
}
