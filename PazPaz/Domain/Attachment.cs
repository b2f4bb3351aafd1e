namespace PazPaz.Domain;

/// <summary>
/// A file on a client, or on one of the client's session notes (a referral letter, a scan, a posture photo, a signed
/// consent form). The bytes live encrypted in storage under <see cref="StorageKey"/>; this row holds the display name
/// (encrypted: "MRI Dana Levi.pdf" is personal), the kind decided from the content, and its size, which the workspace's
/// quota counts from upload until the bytes are purged.
/// </summary>
public sealed class Attachment : IWorkspaceOwned
{
    /// <summary>How long a deleted file can be restored; then the daily purge removes its bytes (§6).</summary>
    public static readonly TimeSpan DeleteGrace = TimeSpan.FromDays(30);
    public const int MaxNameLength = 120;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? SessionNoteId { get; private set; }
    public Guid? UploadedByUserId { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    /// <summary>The cleaned file's size: what the therapist downloads and what the quota counts.</summary>
    public long SizeBytes { get; private set; }
    public string StorageKey { get; private set; } = "";
    /// <summary>Images keep a small encrypted WebP preview under <see cref="ThumbnailKey"/>.</summary>
    public bool HasThumbnail { get; private set; }
    public DateTimeOffset? DeletedAt { get; private set; }
    public DateTimeOffset? PermanentDeleteAfter { get; private set; }
    /// <summary>Deleted together with its note (not on its own): restoring the note brings it back.</summary>
    public bool DeletedWithNote { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Attachment() { }

    public static Attachment Create(Guid workspaceId, Guid clientId, Guid? sessionNoteId, string fileName, string contentType,
        long sizeBytes, bool hasThumbnail, Guid? uploadedByUserId)
    {
        if (NameProblem(fileName) is { } problem) throw new DomainException(problem);
        if (sizeBytes <= 0) throw new DomainException("A file cannot be empty.");
        var attachment = new Attachment
        {
            WorkspaceId = workspaceId, ClientId = clientId, SessionNoteId = sessionNoteId, FileName = fileName.Trim(),
            ContentType = contentType, SizeBytes = sizeBytes, HasThumbnail = hasThumbnail, UploadedByUserId = uploadedByUserId,
        };
        // Our own name for the object: nothing of the file's name or the client reaches the storage, and keys never collide.
        attachment.StorageKey = $"{workspaceId:N}/{attachment.Id:N}";
        return attachment;
    }

    public string ThumbnailKey => StorageKey + ThumbnailSuffix;
    public const string ThumbnailSuffix = ".thumb";
    public bool IsDeleted => DeletedAt is not null;
    public bool IsPdf => ContentType == "application/pdf";

    /// <summary>What is wrong with a name the therapist typed (after cleaning), or null.</summary>
    public static string? NameProblem(string? name) => (name?.Trim().Length ?? 0) switch
    {
        0 => "Enter a name for the file.",
        > MaxNameLength => $"A file name is at most {MaxNameLength} characters.",
        _ => null,
    };

    public string? WhyNotRename() => IsDeleted ? "This file was deleted; restore it first." : null;

    public void Rename(string cleanName)
    {
        if ((WhyNotRename() ?? NameProblem(cleanName)) is { } problem) throw new DomainException(problem);
        FileName = cleanName.Trim();
    }

    public string? WhyNotDelete() => IsDeleted ? "This file is already deleted." : null;

    public void Delete(DateTimeOffset now, bool withNote = false)
    {
        if (WhyNotDelete() is { } why) throw new DomainException(why);
        DeletedAt = now;
        PermanentDeleteAfter = now + DeleteGrace;
        DeletedWithNote = withNote;
    }

    public string? WhyNotRestore(DateTimeOffset now) => !IsDeleted ? "This file is not deleted."
        : now >= PermanentDeleteAfter ? "The 30 days to restore this file have passed."
        : null;

    public void Restore(DateTimeOffset now)
    {
        if (WhyNotRestore(now) is { } why) throw new DomainException(why);
        DeletedAt = null;
        PermanentDeleteAfter = null;
        DeletedWithNote = false;
    }

    public bool IsDueForPurge(DateTimeOffset now) => IsDeleted && PermanentDeleteAfter <= now;
}
