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
        Code = code ?? StatusCodes.Status500InternalServerError;
        (Heading, Explanation) = Code switch
        {
            404 => ("Page not found", "There is nothing at this address, or it is not yours to see."),
            403 => ("Not allowed", "Your account cannot open this page."),
            429 => ("Too many requests", "Please wait a few minutes and try again."),
            400 => ("Something was wrong with that request", "Please go back, reload the page and try again."),
            _ => ("Something went wrong", "We could not finish that. Nothing you saved before was lost; please try again."),
        };
        Response.StatusCode = Code;
    }
}
