using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;

namespace PazPaz.Api;

/// <summary>An endpoint's JSON body: the top-level fields it knows, and whether the body may be left out.</summary>
public sealed record JsonBody(FrozenSet<string> Fields, bool Optional);

/// <summary>
/// The API's edge for JSON bodies, in front of every endpoint that declares one (<see cref="AcceptsJson"/>): only
/// <c>application/json</c> (else 415), at most <see cref="MaxBytes"/> (else 413, decided from Content-Length before
/// reading, and a chunked body is cut off at the limit rather than read whole), then parsed and checked by
/// <see cref="JsonInput"/> (422 naming the field) before the handler runs. Uploads (multipart) keep their own limits.
/// </summary>
public static class JsonEdge
{
    /// <summary>1 MiB: the largest real body (a session note, four fields of 5,000 characters) is far below it.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// Declares the endpoint's JSON body. Not <c>Accepts(…)</c>: routing would then answer a wrong Content-Type with its own
    /// 415 before authentication, and treat a missing one differently from here.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder endpoint, IEnumerable<string> fields, bool optional = false) =>
        endpoint.WithMetadata(new JsonBody(fields.ToFrozenSet(StringComparer.Ordinal), optional));

    public static async ValueTask<object?> ReadBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<JsonBody>() is not { } shape) return await next(context);
        var request = http.Request;

        if (!string.IsNullOrEmpty(request.ContentType) || HasBody(request))
        {
            if (!IsJson(request.ContentType))
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be JSON.",
                    detail: $"Send the body with Content-Type: application/json (UTF-8), not '{Shorten(request.ContentType)}'.");
            if (request.ContentLength > MaxBytes) return TooLarge();
        }

        var body = await ReadAtMostAsync(request, MaxBytes, http.RequestAborted);
        if (body is null) return TooLarge();
        var (input, problem) = JsonInput.Parse(body.Value, shape);
        if (input is null) return problem;
        http.Items[typeof(JsonInput)] = input;
        return await next(context);
    }

    private static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The body is too large.", detail: $"A JSON body is at most {MaxBytes / 1024 / 1024} MiB.");

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 ||
        request.ContentLength is null && (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.Headers.TransferEncoding.Count > 0);

    /// <summary>application/json, with no charset or UTF-8 (RFC 8259: JSON between systems is UTF-8).</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase) &&
        (parsed.CharSet is null || string.Equals(parsed.CharSet.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string? text) => text is null ? "none" : text.Length <= 100 ? text : text[..100] + "…";

    /// <summary>The whole body, or null as soon as it passes <paramref name="limit"/> bytes (the rest is never read).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // Kestrel stops the body at the limit too, so a lying Content-Length cannot push more through.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 1L;
        var buffer = new byte[Math.Min(limit + 1, (int)(request.ContentLength ?? 16 * 1024) + 1)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit) return null;
                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0) break;
            length += read;
        }
        return length > limit ? null : buffer.AsMemory(0, length);
    }
}
