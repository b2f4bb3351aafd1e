using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Files;

/// <summary>
/// The browser's side of files (the client and note pages): upload one file per request (the page sends several in
/// parallel, each with its own progress bar), and the content and thumbnails the pages show. Signed-in session only;
/// uploads carry the antiforgery header. Integrations use <c>/api/v1/…/attachments</c>, over the same <see cref="Attachments"/>.
/// </summary>
public static class FileEndpoints
{
    public static void MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").RequireAuthorization().ExcludeFromDescription();
        files.MapPost("/upload/client/{clientId:guid}", (Guid clientId, HttpContext http, Attachments attachments, CancellationToken ct) =>
            UploadAsync(FileOwner.Client(clientId), http, attachments, ct)).DisableAntiforgery();
        files.MapPost("/upload/note/{noteId:guid}", (Guid noteId, HttpContext http, Attachments attachments, CancellationToken ct) =>
            UploadAsync(FileOwner.Note(noteId), http, attachments, ct)).DisableAntiforgery().Requires(Area.ClinicalRecord);
        files.MapGet("/{id:guid}/content", ContentAsync);
        files.MapGet("/{id:guid}/thumbnail", ThumbnailAsync);
    }

    private static async Task<IResult> UploadAsync(FileOwner owner, HttpContext http, Attachments attachments, CancellationToken cancellationToken)
    {
        if (!await HeaderAntiforgery.IsValidAsync(http))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The page is out of date: reload it and try again.");
        return await attachments.UploadAsync(owner, http.Request, cancellationToken) switch
        {
            AttachmentResult.Saved saved => Results.Json(AttachmentResponse.Of(saved.Attachment), statusCode: StatusCodes.Status201Created),
            var other => FileResponses.Problem(http, other),
        };
    }

    private static async Task<IResult> ContentAsync(Guid id, HttpContext http, Attachments attachments, CancellationToken cancellationToken)
    {
        var download = http.Request.Query.ContainsKey("download");
        return await attachments.OpenAsync(id, owner: null, thumbnail: false, download ? "page_download" : "page_view", cancellationToken) switch
        {
            AttachmentResult.Content content => FileResponses.Stream(http, content, download),
            var other => FileResponses.Problem(http, other),
        };
    }

    private static async Task<IResult> ThumbnailAsync(Guid id, HttpContext http, Attachments attachments, CancellationToken cancellationToken) =>
        await attachments.OpenAsync(id, owner: null, thumbnail: true, "page", cancellationToken) switch
        {
            AttachmentResult.Content content => FileResponses.Stream(http, content, download: false),
            var other => FileResponses.Problem(http, other),
        };
}
