using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PazPaz.Pages;

/// <summary>Every error page says what happened in plain words and nothing about the server.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);
    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        // The route takes 400–599 only (/error/101 would otherwise answer "101 Switching Protocols"). Without a code this
        // is the exception handler's re-execution, whose status (500, or e.g. 413 for a body too large) is already set.
        Code = code ?? (Response.StatusCode is >= 400 and <= 599 ? Response.StatusCode : StatusCodes.Status500InternalServerError);
        (Heading, Explanation) = Code switch
        {
            404 => ("Page not found", "There is nothing at this address, or it is not yours to see."),
            403 when HttpContext.Items[Auth.RoleGate.ReasonKey] is string reason => ("Not allowed for your role", reason),
            403 => ("Not allowed", "Your account cannot open this page."),
            409 when HttpContext.Items[Operations.ChangedElsewhere.ReasonKey] is string changed => (Operations.ChangedElsewhere.Title, changed),
            429 => ("Too many requests", "Please wait a few minutes and try again."),
            400 when HttpContext.Items[Operations.StorableText.ProblemKey] is string problem =>
                ("Something was wrong with that request", $"{problem} Please go back, correct it and try again."),
            400 => ("Something was wrong with that request", "Please go back, reload the page and try again."),
            413 => ("That was too large", "Please go back and send something smaller."),
            _ => ("Something went wrong", "We could not finish that. Nothing you saved before was lost; please try again."),
        };
        Response.StatusCode = Code;
    }
}
