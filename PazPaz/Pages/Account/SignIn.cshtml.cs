using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Account;

public sealed class SignInModel(SignInLinks links, SignInThrottle throttle) : PageModel
{
    [BindProperty] public InputModel Input { get; set; } = new();
    public bool Sent { get; private set; }

    public sealed class InputModel
    {
        [Display(Name = "E-mail address")]
        public string? Email { get; set; }
    }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/calendar") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!PazPaz.Domain.User.LooksLikeEmail(Input.Email))
        {
            ModelState.AddModelError("Input.Email", "Enter the e-mail address you use for PazPaz, like dana@example.com.");
            return Page();
        }
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString();
        var budget = await throttle.SpendAsync(ip, PazPaz.Domain.User.NormalizeEmail(Input.Email!), cancellationToken);
        if (budget == SignInBudget.TooManyFromIp) return StatusCode(StatusCodes.Status429TooManyRequests);

        await links.RequestAsync(Input.Email!, ip, send: budget == SignInBudget.Send, cancellationToken);
        // The same work and the same answer whether or not the address has an account; the e-mail goes out in the background.
        Sent = true;
        return Page();
    }
}
