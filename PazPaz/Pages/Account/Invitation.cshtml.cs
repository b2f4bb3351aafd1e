using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Team;

namespace PazPaz.Pages.Account;

/// <summary>
/// The page an invitation e-mail links to: who invited whom into which practice, and "Accept" (a POST, so a mail scanner
/// that opens the link accepts nothing). A link that cannot be accepted gets a page saying why: 410, or 404 for one no
/// invitation has.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class InvitationModel(Invitations invitations, CurrentUser current, SessionEnding ending, PazPazDb db, TimeProvider clock) : PageModel
{
    public InvitationView? View { get; private set; }
    /// <summary>Why the link cannot be used; null while it can.</summary>
    public string? Refusal { get; private set; }
    public bool SignedInAsSomeoneElse => current.IsSignedIn;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        View = await invitations.FindAsync(token, cancellationToken);
        if (View is null) return Unknown();
        Refusal = await invitations.RefusalAsync(View.Invitation, cancellationToken);
        if (Refusal is not null) Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        View = await invitations.FindAsync(token, cancellationToken);
        if (View is null) return Unknown();
        Refusal = await invitations.RefusalAsync(View.Invitation, cancellationToken);
        if (Refusal is not null) return Gone();
        // Whoever is signed in in this browser makes way for the person invited.
        if (current.IsSignedIn)
        {
            await ending.SignOutAsync(HttpContext, cancellationToken);
            current.Forget();
        }
        switch (await invitations.AcceptAsync(token, cancellationToken))
        {
            case InvitationOutcome.Accepted(var user):
                await SignInLinks.SignInAsync(HttpContext, user, clock.GetUtcNow());
                if (await TwoFactorRequirement.AppliesToAsync(db, user.Id, cancellationToken))
                {
                    TempData["Flash.Info"] = "Your practice asks everyone to use two-step sign-in. Set it up to continue.";
                    return Redirect(TwoFactorRequirement.EnrolPath);
                }
                TempData["Flash.Success"] = user.Role == UserRole.Owner && View.Invitation.Kind == InvitationKind.Therapist
                    ? $"Welcome, {user.FullName}. {View.PracticeName} is ready: add your services in Settings, then book your first client."
                    : $"Welcome to {View.PracticeName}, {user.FullName}.";
                return Redirect("/calendar");
            case InvitationOutcome.Gone(var reason):
                Refusal = reason;
                return Gone();
            default:
                return Unknown();
        }
    }

    private IActionResult Gone()
    {
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    private IActionResult Unknown()
    {
        Refusal = "This invitation link does not work. If a newer invitation e-mail reached you, use the link in that one; otherwise ask the person who invited you to send it again.";
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
