using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Files;

namespace PazPaz.Pages.Files;

/// <summary>
/// The list of files on a client (<c>?client=</c>) or a session note (<c>?note=</c>), loaded into their pages by htmx and
/// reloaded after uploads; rename, delete and restore answer the list again. The list read is audited (one event).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ListModel(Attachments attachments, PazPazDb db) : PageModel
{
    public FileOwner Owner { get; private set; }
    public List<Attachment> Files { get; private set; } = [];
    public List<Attachment> Deleted { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    /// <summary>A line to say what just happened ("Deleted … Undo"), after a change.</summary>
    public string? Message { get; private set; }
    /// <summary>The file just deleted, for the Undo button next to the message.</summary>
    public Guid? UndoId { get; private set; }
    /// <summary>A rename refused: which file, and why; that file's form opens again with the message.</summary>
    public (Guid Id, string Name, string Error)? RenameError { get; private set; }

    public string ListUrl => Owner.SessionNoteId is { } note ? $"/files/list?note={note}" : $"/files/list?client={Owner.ClientId}";

    public Task<IActionResult> OnGetAsync(Guid? client, Guid? note, CancellationToken cancellationToken) =>
        RenderAsync(client, note, cancellationToken);

    public async Task<IActionResult> OnPostRenameAsync(Guid? client, Guid? note, Guid id, string? name, CancellationToken cancellationToken)
    {
        var result = await attachments.RenameAsync(id, Of(client, note), name, cancellationToken);
        if (result is AttachmentResult.Refused refused)
        {
            RenameError = (id, name ?? "", refused.Message);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else if (result is AttachmentResult.Saved saved) Message = $"Renamed to “{saved.Attachment.FileName}”.";
        else return Refusal(result);
        return await RenderAsync(client, note, cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid? client, Guid? note, Guid id, CancellationToken cancellationToken)
    {
        var result = await attachments.DeleteAsync(id, Of(client, note), cancellationToken);
        if (result is not AttachmentResult.Saved saved) return Refusal(result);
        Message = $"Deleted “{saved.Attachment.FileName}”. It can be restored for 30 days.";
        UndoId = id;
        return await RenderAsync(client, note, cancellationToken);
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid? client, Guid? note, Guid id, CancellationToken cancellationToken)
    {
        var result = await attachments.RestoreAsync(id, Of(client, note), cancellationToken);
        if (result is AttachmentResult.Saved saved) Message = $"Restored “{saved.Attachment.FileName}”.";
        else if (result is AttachmentResult.Refused refused) Message = refused.Message;
        else return Refusal(result);
        return await RenderAsync(client, note, cancellationToken);
    }

    private static FileOwner Of(Guid? client, Guid? note) => note is { } n ? FileOwner.Note(n) : FileOwner.Client(client ?? Guid.Empty);

    private async Task<IActionResult> RenderAsync(Guid? client, Guid? note, CancellationToken cancellationToken)
    {
        Owner = Of(client, note);
        var section = await attachments.SectionAsync(Owner, "page_list", cancellationToken);
        if (section is not AttachmentResult.Listed listed) return Refusal(section);
        (Files, Deleted) = (listed.Attachments, listed.Deleted ?? []);
        Zone = TimeZones.Find(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));
        return Page();
    }

    private IActionResult Refusal(AttachmentResult result) => result switch
    {
        AttachmentResult.Forbidden forbidden => StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason),
        _ => NotFound(),
    };

    public DateTime Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>"2.4 MB · PDF · 3 Dec 2026".</summary>
    public string Describe(Attachment a) =>
        $"{StorageQuota.Describe(a.SizeBytes)} · {Kind(a)} · {Local(a.CreatedAt).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}";

    public static string Kind(Attachment a) => FileTypes.Describe(FileTypes.FromContentType(a.ContentType));

    /// <summary>The last day a deleted file can be restored, for "restorable until".</summary>
    public string RestorableUntil(Attachment a) => Local(a.PermanentDeleteAfter!.Value).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
