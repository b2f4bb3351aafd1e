using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PazPaz.Api;

namespace PazPaz.Operations;

/// <summary>
/// Two saves of one row at once: the second finds the row's version (xmin) changed and EF refuses it. Nothing of it was
/// written; the caller fetches the row again and decides. The forms that edit such rows catch this themselves and show
/// the newer values; anything else answers 409 here: problem details for the API, the error page with the reason for pages.
/// </summary>
public sealed class ChangedElsewhere(IProblemDetailsService problems) : IExceptionHandler
{
    public const string Title = "Changed by someone else";
    public const string Detail = "Someone else changed this at the same moment, and their change was kept. Nothing of yours was saved: fetch it again and make your change anew.";

    public static bool Is(Exception? exception) => exception is DbUpdateConcurrencyException;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!Is(exception)) return false;
        http.Response.StatusCode = StatusCodes.Status409Conflict;
        if (!ApiSetup.IsApiRequest(http))
        {
            http.Items[ReasonKey] = Detail;
            return false; // the page error handler re-executes /error with 409 and shows the reason
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new() { Status = StatusCodes.Status409Conflict, Title = Title, Detail = Detail },
        });
    }

    public const string ReasonKey = "PazPaz.ChangedElsewhere";
}
