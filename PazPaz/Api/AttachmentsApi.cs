using PazPaz.Files;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Api;

/// <summary>
/// <c>/api/v1/clients/{id}/attachments</c> and <c>/api/v1/session-notes/{id}/attachments</c>: the same
/// <see cref="Attachments"/> the pages use. A file is addressed under the client or note it hangs on; the same id under
/// another parent, or another practice's id, is 404.
/// </summary>
public static class AttachmentsApi
{
    public static void MapAttachmentsApi(this RouteGroupBuilder api)
    {
        Map(api.MapGroup("/clients/{parentId:guid}/attachments").WithTags("Attachments"), "Client", FileOwner.Client,
            "the client's own files (not those on its session notes)");
        Map(api.MapGroup("/session-notes/{parentId:guid}/attachments").WithTags("Attachments").Requires(Area.ClinicalRecord), "SessionNote", FileOwner.Note,
            "the note's files (owners only: 403 for assistants)");
    }

    private static void Map(RouteGroupBuilder group, string name, Func<Guid, FileOwner> owner, string what)
    {
        group.MapGet("/", (Guid parentId, HttpRequest request, Attachments files, CancellationToken ct) => ListAsync(owner(parentId), request, files, ct))
            .WithName($"List{name}Attachments")
            .WithSummary($"Lists {what}, newest first; deleted=true lists the deleted ones still restorable (30 days). The files listed are recorded as read in one audit event.")
            .Produces<List<AttachmentResponse>>();
        group.MapPost("/", (Guid parentId, HttpContext http, Attachments files, CancellationToken ct) => UploadAsync(owner(parentId), http, files, ct))
            .WithName($"Upload{name}Attachment")
            .WithSummary("Uploads one file as multipart/form-data (a part named \"file\"; its filename is the display name, cleaned). JPEG, PNG, WebP or PDF, decided by the content; at most 10 MiB (413, the body is cut off). Images are re-encoded without EXIF/GPS, PDFs lose their metadata. 201 with Location. Refusals: 415 (not one of the four kinds), 422 (empty, unreadable, image above 50 megapixels, password-protected PDF), 507 (the practice's storage quota is full), 429 with Retry-After (uploads per user per minute).")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<AttachmentResponse>(StatusCodes.Status201Created)
            .DisableAntiforgery();
        group.MapGet("/{id:guid}", (Guid parentId, Guid id, bool? include_deleted, Attachments files, HttpContext http, CancellationToken ct) =>
                GetAsync(owner(parentId), id, include_deleted == true, files, http, ct))
            .WithName($"Get{name}Attachment")
            .WithSummary("One file's details (not its content); include_deleted=true also finds a deleted one. Audited as a read.")
            .Produces<AttachmentResponse>();
        group.MapGet("/{id:guid}/content", (Guid parentId, Guid id, bool? inline, Attachments files, HttpContext http, CancellationToken ct) =>
                ContentAsync(owner(parentId), id, inline == true, files, http, ct))
            .WithName($"Download{name}Attachment")
            .WithSummary("The file's bytes, decrypted and streamed, with Content-Disposition (attachment; inline=true for inline), nosniff and Cache-Control: private, no-store. Audited as a read.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        group.MapPatch("/{id:guid}", (Guid parentId, Guid id, HttpRequest request, Attachments files, CancellationToken ct) =>
                RenameAsync(owner(parentId), id, request, files, ct))
            .WithName($"Rename{name}Attachment").AcceptsJson(["name"])
            .WithSummary("Renames: body {name} (at most 120 characters; cleaned of path parts, control and direction characters; the extension follows the file's kind).")
            .Produces<AttachmentResponse>();
        group.MapDelete("/{id:guid}", async (Guid parentId, Guid id, Attachments files, HttpContext http, CancellationToken ct) =>
                await files.DeleteAsync(id, owner(parentId), ct) switch
                {
                    AttachmentResult.Saved => Results.NoContent(),
                    var other => FileResponses.Problem(http, other),
                })
            .WithName($"Delete{name}Attachment")
            .WithSummary("Deletes the file: restorable for 30 days (POST …/restore), then its bytes are purged and its size leaves the quota. 204.");
        group.MapPost("/{id:guid}/restore", async (Guid parentId, Guid id, Attachments files, HttpContext http, CancellationToken ct) =>
                Respond(http, await files.RestoreAsync(id, owner(parentId), ct)))
            .WithName($"Restore{name}Attachment")
            .WithSummary("Brings back a file deleted less than 30 days ago (a note's file comes back with its note).")
            .Produces<AttachmentResponse>();
    }

    private static async Task<IResult> ListAsync(FileOwner owner, HttpRequest request, Attachments files, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var deleted = query.Bool("deleted");
        if (!query.IsValid) return query.Problem();
        return await files.ListAsync(owner, deleted, "api_list", cancellationToken) switch
        {
            AttachmentResult.Listed listed => Results.Ok(listed.Attachments.Select(AttachmentResponse.Of).ToList()),
            var other => FileResponses.Problem(request.HttpContext, other),
        };
    }

    private static async Task<IResult> UploadAsync(FileOwner owner, HttpContext http, Attachments files, CancellationToken cancellationToken) =>
        await files.UploadAsync(owner, http.Request, cancellationToken) switch
        {
            AttachmentResult.Saved saved => Results.Created(Location(http, saved), AttachmentResponse.Of(saved.Attachment)),
            var other => FileResponses.Problem(http, other),
        };

    private static async Task<IResult> GetAsync(FileOwner owner, Guid id, bool includeDeleted, Attachments files, HttpContext http,
        CancellationToken cancellationToken) => Respond(http, await files.GetAsync(id, owner, "api", includeDeleted, cancellationToken));

    private static async Task<IResult> ContentAsync(FileOwner owner, Guid id, bool inline, Attachments files, HttpContext http,
        CancellationToken cancellationToken) =>
        await files.OpenAsync(id, owner, thumbnail: false, "api_download", cancellationToken) switch
        {
            AttachmentResult.Content content => FileResponses.Stream(http, content, download: !inline),
            var other => FileResponses.Problem(http, other),
        };

    private static async Task<IResult> RenameAsync(FileOwner owner, Guid id, HttpRequest request, Attachments files, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var name = input.String("name", required: true, nullable: false, maxLength: 1000);
        if (!input.IsValid) return input.Problem();
        return Respond(request.HttpContext, await files.RenameAsync(id, owner, name, cancellationToken));
    }

    private static IResult Respond(HttpContext http, AttachmentResult result) => result switch
    {
        AttachmentResult.Saved saved => Results.Ok(AttachmentResponse.Of(saved.Attachment)),
        var other => FileResponses.Problem(http, other),
    };

    private static string Location(HttpContext http, AttachmentResult.Saved saved) =>
        $"{http.Request.PathBase}{http.Request.Path.Value!.TrimEnd('/')}/{saved.Attachment.Id}";
}
