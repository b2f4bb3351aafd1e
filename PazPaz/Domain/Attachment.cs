namespace PazPaz.Domain;

/// <summary>A file on a client or a session note; the bytes live in storage under <see cref="StorageKey"/>.</summary>
public sealed class Attachment : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? SessionNoteId { get; private set; }
    public Guid? UploadedByUserId { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public long SizeBytes { get; private set; }
    public string StorageKey { get; private set; } = "";
    public DateTimeOffset? DeletedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Attachment() { }

    public static Attachment Create(Guid workspaceId, Guid clientId, Guid? sessionNoteId, string fileName, string contentType,
        long sizeBytes, string storageKey, Guid? uploadedByUserId) => new()
    {
        WorkspaceId = workspaceId, ClientId = clientId, SessionNoteId = sessionNoteId, FileName = fileName,
        ContentType = contentType, SizeBytes = sizeBytes, StorageKey = storageKey, UploadedByUserId = uploadedByUserId,
    };
}
