using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace PazPaz.Security;

/// <summary>
/// Antiforgery for script-sent writes (the JSON API from a browser session, file uploads): the token must come in the
/// header (<see cref="AntiforgeryOptions.HeaderName"/>). Without it, antiforgery looks for the token in a form body, which
/// for an upload means reading the whole file first.
/// </summary>
public static class HeaderAntiforgery
{
    public static async Task<bool> IsValidAsync(HttpContext http)
    {
        var header = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.HeaderName;
        return header is not null && http.Request.Headers.ContainsKey(header) &&
               await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }
}
