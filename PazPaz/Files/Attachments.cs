using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Files;

/// <summary>
/// Every attachment operation, for the file pages and the API alike. An upload goes: limit per user → the body into a
/// temporary file (cut off above 10 MiB) → its kind from the content → cleaned (images re-encoded without metadata, PDFs
/// without their metadata) → the cleaned size reserved in the quota (one conditional UPDATE) → encrypted into storage →
/// its row. Any step that fails undoes the ones before it: nothing is stored or reserved for a refused file.
/// Reads (lists, downloads) are audited through <see cref="RecordReadAsync"/> (<see cref="ReadAudit"/>); writes by the SaveChanges interceptor.
/// </summary>
public sealed class Attachments(PazPazDb db, CurrentUser current, ReadAudit reads, FileVault vault, UploadThrottle throttle,
    TimeProvider clock, ILogger<Attachments> logger)
{
    // ---------------------------------------------------------------------------------------------------------------
    // Upload
    // ---------------------------------------------------------------------------------------------------------------

    public async Task<AttachmentResult> UploadAsync(FileOwner owner, HttpRequest request, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(owner, cancellationToken) is { } refusal) return refusal;
        var (clientId, noteId) = await ResolveAsync(owner, cancellationToken);
        if (clientId is null) return new AttachmentResult.NotFound(owner.SessionNoteId is null ? "Client" : "Session note");
        if (throttle.TryAcquire(current.RequireUserId()) is { } retryAfter)
            return new AttachmentResult.Refused(StatusCodes.Status429TooManyRequests, "file",
                $"That is a lot of files in a short time; try again in {Math.Ceiling(retryAfter.TotalSeconds):0} seconds.", retryAfter);

        var upload = await UploadReader.ReadAsync(request, cancellationToken);
        if (upload is UploadReader.Upload.Refused refused) return new AttachmentResult.Refused(refused.Status, "file", refused.Message);
        var received = (UploadReader.Upload.Received)upload;
        return await StoreAsync(clientId.Value, noteId, received.TempFile, received.FileName, received.Length, cancellationToken);
    }

    /// <summary>Checks, cleans, reserves, encrypts and records one received file (in <paramref name="tempFile"/>, deleted here).</summary>
    public async Task<AttachmentResult> StoreAsync(Guid clientId, Guid? noteId, string tempFile, string? fileName, long length,
        CancellationToken cancellationToken)
    {
        string? cleaned = null, thumbnail = null;
        var workspaceId = current.RequireWorkspaceId();
        try
        {
            if (length == 0) return Unprocessable("This file is empty.");
            var kind = await DetectAsync(tempFile, cancellationToken);
            if (kind is null)
                return new AttachmentResult.Refused(StatusCodes.Status415UnsupportedMediaType, "file",
                    "Only JPEG, PNG or WebP pictures and PDF documents can be kept. This file is none of these, whatever its name says.");

            cleaned = TempFiles.New();
            thumbnail = TempFiles.New();
            var clean = await FileCleaner.CleanAsync(tempFile, kind.Value, cleaned, thumbnail, cancellationToken);
            if (clean is CleanResult.Refused cleanRefused) return Unprocessable(cleanRefused.Message);
            var result = (CleanResult.Cleaned)clean;

            var attachment = Attachment.Create(workspaceId, clientId, noteId, FileNames.Sanitize(fileName, kind.Value),
                FileTypes.ContentType(kind.Value), result.Length, result.HasThumbnail, current.UserId);
            if (!await StorageQuota.TryReserveAsync(db, workspaceId, attachment.SizeBytes, cancellationToken))
                return new AttachmentResult.Refused(StatusCodes.Status507InsufficientStorage, "file",
                    "The practice's file storage is full. Delete files you no longer need (deleted files count until they are purged after 30 days), or ask for more space.");

            var stored = false;
            try
            {
                await vault.SaveAsync(attachment.StorageKey, cleaned, cancellationToken);
                if (result.HasThumbnail) await vault.SaveAsync(attachment.ThumbnailKey, thumbnail, cancellationToken);
                db.Attachments.Add(attachment);
                await db.SaveChangesAsync(cancellationToken);
                stored = true;
                return new AttachmentResult.Saved(attachment, Created: true);
            }
            finally
            {
                if (!stored)
                {
                    // Undo in reverse, without the request's token: a cancelled upload must still give its space back.
                    await vault.DeleteAsync(attachment.StorageKey, CancellationToken.None);
                    await vault.DeleteAsync(attachment.ThumbnailKey, CancellationToken.None);
                    await StorageQuota.ReleaseAsync(db, workspaceId, attachment.SizeBytes, CancellationToken.None);
                }
            }
        }
        finally
        {
            TempFiles.Delete(tempFile);
            TempFiles.Delete(cleaned);
            TempFiles.Delete(thumbnail);
        }
    }

    private static AttachmentResult.Refused Unprocessable(string message) => new(StatusCodes.Status422UnprocessableEntity, "file", message);

    private static async Task<FileKind?> DetectAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[16];
        await using var stream = File.OpenRead(path);
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return FileTypes.Detect(head.AsSpan(0, read));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading (audited through RecordReadAsync)
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>The files on a client (not those on its notes) or on a note, newest first; <paramref name="deleted"/>: the restorable ones.</summary>
    public async Task<AttachmentResult> ListAsync(FileOwner owner, bool deleted, string via, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(owner, cancellationToken) is { } refusal) return refusal;
        var (clientId, noteId) = await ResolveAsync(owner, cancellationToken, includeDeletedNote: deleted);
        if (clientId is null) return new AttachmentResult.NotFound(owner.SessionNoteId is null ? "Client" : "Session note");
        var list = await FilesOfAsync(clientId.Value, noteId, deleted, cancellationToken);
        await RecordReadAsync(list.Select(a => a.Id).ToList(), via, cancellationToken);
        return new AttachmentResult.Listed(list);
    }

    /// <summary>A file section (client or note page): the live files and, in <see cref="AttachmentResult.Listed.Deleted"/>, the restorable ones; one read event for both.</summary>
    public async Task<AttachmentResult> SectionAsync(FileOwner owner, string via, CancellationToken cancellationToken = default)
    {
        if (await WhyNotAllowedAsync(owner, cancellationToken) is { } refusal) return refusal;
        var (clientId, noteId) = await ResolveAsync(owner, cancellationToken);
        if (clientId is null) return new AttachmentResult.NotFound(owner.SessionNoteId is null ? "Client" : "Session note");
        var live = await FilesOfAsync(clientId.Value, noteId, deleted: false, cancellationToken);
        var deleted = await FilesOfAsync(clientId.Value, noteId, deleted: true, cancellationToken);
        await RecordReadAsync([.. live.Select(a => a.Id), .. deleted.Select(a => a.Id)], via, cancellationToken);
        return new AttachmentResult.Listed(live, deleted);
    }

    private Task<List<Attachment>> FilesOfAsync(Guid clientId, Guid? noteId, bool deleted, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var files = deleted
            ? db.Attachments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).Where(a => a.DeletedAt != null && a.PermanentDeleteAfter > now)
            : db.Attachments;
        files = noteId is { } note ? files.Where(a => a.SessionNoteId == note) : files.Where(a => a.ClientId == clientId && a.SessionNoteId == null);
        return files.AsNoTracking().OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <summary>One file's details (no content): for the viewer page and the API. Audited as a read.</summary>
    public async Task<AttachmentResult> GetAsync(Guid id, FileOwner? owner, string via, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var (attachment, refusal) = await FindAsync(id, owner, includeDeleted, tracked: false, cancellationToken);
        if (refusal is not null) return refusal;
        await RecordReadAsync([attachment!.Id], via, cancellationToken);
        return new AttachmentResult.Saved(attachment);
    }

    /// <summary>The decrypted content (or the image's thumbnail) as a stream; the read is audited (thumbnails are not: see the remarks).</summary>
    /// <remarks>
    /// A thumbnail is shown only on a file list, whose read was audited with the file ids already; auditing each preview
    /// again would bury the trail in one event per picture per page view. Opening or downloading a file is one event each.
    /// </remarks>
    public async Task<AttachmentResult> OpenAsync(Guid id, FileOwner? owner, bool thumbnail, string via, CancellationToken cancellationToken = default)
    {
        var (attachment, refusal) = await FindAsync(id, owner, includeDeleted: false, tracked: false, cancellationToken);
        if (refusal is not null) return refusal;
        if (thumbnail && !attachment!.HasThumbnail) return new AttachmentResult.NotFound("Thumbnail");
        var stream = await vault.OpenAsync(thumbnail ? attachment!.ThumbnailKey : attachment!.StorageKey, cancellationToken);
        if (stream is null)
        {
            logger.LogError("The bytes of attachment {AttachmentId} are missing from storage ({Key})", attachment.Id, attachment.StorageKey);
            return new AttachmentResult.NotFound("File content");
        }
        if (!thumbnail) await RecordReadAsync([attachment.Id], via, cancellationToken);
        return new AttachmentResult.Content(attachment, stream, thumbnail ? "image/webp" : attachment.ContentType, thumbnail ? null : attachment.SizeBytes);
    }

    /// <summary>A read of files (one or a list), recorded through <see cref="ReadAudit"/> like every read of health data.</summary>
    public Task RecordReadAsync(IReadOnlyList<Guid> ids, string via, CancellationToken cancellationToken = default) =>
        reads.RecordAsync(nameof(Attachment), ids, via, cancellationToken);

    // ---------------------------------------------------------------------------------------------------------------
    // Changes
    // ---------------------------------------------------------------------------------------------------------------

    public async Task<AttachmentResult> RenameAsync(Guid id, FileOwner? owner, string? name, CancellationToken cancellationToken = default)
    {
        var (attachment, refusal) = await FindAsync(id, owner, includeDeleted: false, tracked: true, cancellationToken);
        if (refusal is not null) return refusal;
        if (attachment!.WhyNotRename() is { } why) return Unprocessable(why);
        if (FileNames.Problem(name) is { } problem) return new AttachmentResult.Refused(StatusCodes.Status422UnprocessableEntity, "name", problem);
        attachment.Rename(FileNames.Sanitize(name, FileTypes.FromContentType(attachment.ContentType)));
        await db.SaveChangesAsync(cancellationToken);
        return new AttachmentResult.Saved(attachment);
    }

    public async Task<AttachmentResult> DeleteAsync(Guid id, FileOwner? owner, CancellationToken cancellationToken = default)
    {
        var (attachment, refusal) = await FindAsync(id, owner, includeDeleted: false, tracked: true, cancellationToken);
        if (refusal is not null) return refusal;
        attachment!.Delete(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return new AttachmentResult.Saved(attachment);
    }

    public async Task<AttachmentResult> RestoreAsync(Guid id, FileOwner? owner, CancellationToken cancellationToken = default)
    {
        var (attachment, refusal) = await FindAsync(id, owner, includeDeleted: true, tracked: true, cancellationToken);
        if (refusal is not null) return refusal;
        var now = clock.GetUtcNow();
        if (attachment!.WhyNotRestore(now) is { } why) return Unprocessable(why);
        if (attachment.SessionNoteId is { } noteId && !await db.SessionNotes.AnyAsync(n => n.Id == noteId, cancellationToken))
            return Unprocessable("This file belongs to a session note that is deleted. Restore the note, and its files come back with it.");
        attachment.Restore(now);
        await db.SaveChangesAsync(cancellationToken);
        return new AttachmentResult.Saved(attachment);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Finds a file of this workspace (the wall filters the rest: another practice's id is not found), under
    /// <paramref name="owner"/> when the route names one, and checks the caller may see it.
    /// </summary>
    private async Task<(Attachment?, AttachmentResult?)> FindAsync(Guid id, FileOwner? owner, bool includeDeleted, bool tracked,
        CancellationToken cancellationToken)
    {
        var files = includeDeleted ? db.Attachments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]) : db.Attachments;
        if (!tracked) files = files.AsNoTracking();
        var attachment = await files.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (attachment is null || owner is { } route && !(route.SessionNoteId is { } noteId
                ? attachment.SessionNoteId == noteId
                : attachment.ClientId == route.ClientId && attachment.SessionNoteId == null))
            return (null, new AttachmentResult.NotFound("File"));
        if (await WhyNotAllowedAsync(new FileOwner(attachment.ClientId, attachment.SessionNoteId), cancellationToken) is { } refusal)
            return (null, refusal);
        return (attachment, null);
    }

    /// <summary>A client and note of this workspace: (client, note) ids, or (null, null) when either is not found.</summary>
    private async Task<(Guid? ClientId, Guid? NoteId)> ResolveAsync(FileOwner owner, CancellationToken cancellationToken, bool includeDeletedNote = false)
    {
        if (owner.SessionNoteId is { } noteId)
        {
            var notes = includeDeletedNote ? db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]) : db.SessionNotes;
            var clientId = await notes.Where(n => n.Id == noteId).Select(n => (Guid?)n.ClientId).FirstOrDefaultAsync(cancellationToken);
            return clientId is null ? (null, null) : (clientId, noteId);
        }
        return await db.Clients.AnyAsync(c => c.Id == owner.ClientId, cancellationToken) ? (owner.ClientId, null) : (null, null);
    }

    /// <summary>Note files are part of the clinical record, owners only (§12); a client's own files are open to the whole practice.</summary>
    private async Task<AttachmentResult.Forbidden?> WhyNotAllowedAsync(FileOwner owner, CancellationToken cancellationToken)
    {
        if (await RoleGate.RoleAsync(current, db, cancellationToken) is not { } role) return new AttachmentResult.Forbidden("Sign in to see files.");
        if (owner.SessionNoteId is null) return null;
        return RolePolicy.WhyNot(role, Area.ClinicalRecord) is { } reason ? new AttachmentResult.Forbidden(reason) : null;
    }
}
