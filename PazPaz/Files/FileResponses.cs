using Microsoft.Net.Http.Headers;

namespace PazPaz.Files;

/// <summary>How a file's bytes leave the app, for the file pages and the API alike.</summary>
public static class FileResponses
{
    /// <summary>
    /// The policy of a file answered to a browser: a sandboxed document (no script, no forms, a unique origin) that loads
    /// nothing, which only our own pages may frame. The sandbox comes from this header, not from the viewer's
    /// <c>&lt;iframe sandbox&gt;</c> attribute: Chromium refuses to run its PDF viewer in a sandboxed frame at all (checked:
    /// a blocked-page icon, with or without allow-scripts/allow-same-origin), while it shows a PDF answered with this policy.
    /// </summary>
    public const string ContentPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

    /// <summary>
    /// Streams decrypted content: <c>Content-Disposition</c> per RFC 6266 (an ASCII <c>filename</c> and the exact name in
    /// <c>filename*</c>), <c>nosniff</c>, and <c>Cache-Control: private, no-store</c> so no shared or disk cache keeps health data.
    /// </summary>
    public static IResult Stream(HttpContext http, AttachmentResult.Content content, bool download)
    {
        var headers = http.Response.Headers;
        var disposition = new ContentDispositionHeaderValue(download ? "attachment" : "inline");
        disposition.SetHttpFileName(content.Attachment.FileName);
        headers.ContentDisposition = disposition.ToString();
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, no-store";
        headers.ContentSecurityPolicy = ContentPolicy;
        headers.XFrameOptions = "SAMEORIGIN";
        if (content.Length is { } length) http.Response.ContentLength = length;
        return Results.Stream(content.Stream, content.ContentType);
    }

    /// <summary>Problem details for a result that is not a success; a refusal's message is its <c>detail</c> and its field's error.</summary>
    public static IResult Problem(HttpContext http, AttachmentResult result)
    {
        switch (result)
        {
            case AttachmentResult.Refused refused:
                if (refused.RetryAfter is { } retryAfter)
                    http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: refused.Status, title: Title(refused.Status), detail: refused.Message,
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [refused.Field] = [refused.Message] } });
            case AttachmentResult.Forbidden forbidden:
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for your role.", detail: forbidden.Reason);
            case AttachmentResult.NotFound notFound:
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{notFound.What} not found.");
            default:
                throw new InvalidOperationException($"Unexpected result {result.GetType().Name}.");
        }
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The file is too large.",
        StatusCodes.Status415UnsupportedMediaType => "This kind of file cannot be kept.",
        StatusCodes.Status429TooManyRequests => "Too many uploads.",
        StatusCodes.Status507InsufficientStorage => "The practice's storage is full.",
        _ => "The file was not accepted.",
    };
}

/// <summary>A file as the API and the upload answer describe it (never its content).</summary>
public sealed record AttachmentResponse(Guid Id, Guid ClientId, Guid? SessionNoteId, string Name, string ContentType, long SizeBytes,
    bool HasThumbnail, Guid? UploadedByUserId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt,
    DateTimeOffset? PermanentDeleteAfter)
{
    public static AttachmentResponse Of(Domain.Attachment a) => new(a.Id, a.ClientId, a.SessionNoteId, a.FileName, a.ContentType, a.SizeBytes,
        a.HasThumbnail, a.UploadedByUserId, a.CreatedAt, a.UpdatedAt, a.DeletedAt, a.PermanentDeleteAfter);
}
