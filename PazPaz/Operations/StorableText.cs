using Microsoft.AspNetCore.Diagnostics;
using PazPaz.Api;

namespace PazPaz.Operations;

/// <summary>
/// Refuses, before any page or endpoint runs, a query string or form post carrying text PostgreSQL cannot store: NUL
/// (U+0000, which PostgreSQL's text refuses) and half of a surrogate pair. The API answers 422 naming the parameter;
/// pages answer 400 with the error page, which names it too. One place, so no handler, search or sign-in form meets it
/// (each used to fail in the database with a 500). JSON bodies are checked the same way by <see cref="JsonInput"/>;
/// multipart bodies (uploads) are not read here, so an upload is never buffered twice.
/// </summary>
public static class StorableText
{
    /// <summary>Where the refused field's message waits for the error page.</summary>
    public const string ProblemKey = "PazPaz.StorableText.Problem";

    /// <summary>Why <paramref name="text"/> cannot be stored, or null when it can.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return "cannot contain NUL (U+0000) characters";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return "must be valid Unicode text (it contains half of a surrogate pair)";
        }
        return null;
    }

    public static IApplicationBuilder UseStorableTextOnly(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // The error page re-executed for this very request sees the same input: let it render.
        if (http.Features.Get<IStatusCodeReExecuteFeature>() is null && http.Features.Get<IExceptionHandlerFeature>() is null &&
            await FindAsync(http.Request) is { } refused)
        {
            if (ApiSetup.IsApiRequest(http))
            {
                await ApiResults.Validation(new Dictionary<string, string[]> { [refused.Field] = [Capitalized(refused.Message)] }).ExecuteAsync(http);
                return;
            }
            http.Items[ProblemKey] = $"“{refused.Field}” {refused.Message}.";
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        await next(http);
    });

    private static async Task<(string Field, string Message)?> FindAsync(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
            if (Check(key, values) is { } found) return found;
        if (request.HasFormContentType && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            // ASP.NET itself refuses to read a form with %00 in it ("The form value contains invalid characters"), and
            // every later reader (model binding, antiforgery, the error page's own binding) would throw the same: keep the
            // body so it can be searched for the field by hand.
            request.EnableBuffering();
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                request.Body.Position = 0;
                return await FieldWithNulAsync(request) is { } field
                    ? (field, "cannot contain NUL (U+0000) characters")
                    : ("form", "is too large, has too many fields or holds characters that cannot be stored");
            }
            foreach (var (key, values) in form)
                if (Check(key, values) is { } found) return found;
        }
        return null;
    }

    /// <summary>The (decoded) name of the first field of a URL-encoded body whose name or value holds %00.</summary>
    private static async Task<string?> FieldWithNulAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        foreach (var pair in body.Split('&'))
        {
            if (!pair.Contains("%00", StringComparison.Ordinal)) continue;
            var name = pair.Split('=', 2)[0];
            if (name.Contains("%00", StringComparison.Ordinal)) return "a field name";
            try
            {
                return Uri.UnescapeDataString(name.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                return "a field name";
            }
        }
        return null;
    }

    private static (string Field, string Message)? Check(string key, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (Problem(key) is { } keyProblem) return ("a field name", keyProblem);
        foreach (var value in values)
            if (Problem(value) is { } problem) return (key, problem);
        return null;
    }

    private static string Capitalized(string message) => char.ToUpperInvariant(message[0]) + message[1..] + ".";
}
