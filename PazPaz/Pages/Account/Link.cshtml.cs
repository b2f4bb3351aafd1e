using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Auth;

namespace PazPaz.Pages.Account;

public sealed class LinkModel(SignInLinks links, TimeProvider clock) : PageModel
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
        await SignInLinks.SignInAsync(HttpContext, user, clock.GetUtcNow());
        TempData["Flash.Success"] = $"Welcome, {user.FullName}.";
        return Redirect("/calendar");
    }
}
