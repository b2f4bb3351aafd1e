using PazPaz.Domain;

namespace PazPaz.Files;

/// <summary>What <see cref="Attachments"/> answers; the file pages and the API each turn it into their own response.</summary>
public abstract record AttachmentResult
{
    /// <summary>Written. <see cref="Created"/>: a new upload.</summary>
    public sealed record Saved(Attachment Attachment, bool Created = false) : AttachmentResult;

    /// <summary>The files of a client or a note (their reads audited in one event); a file section also gets the restorable ones.</summary>
    public sealed record Listed(List<Attachment> Attachments, List<Attachment>? Deleted = null) : AttachmentResult;

    /// <summary>A file's decrypted content, to stream to the caller (the read audited). The caller disposes <see cref="Content"/>.</summary>
    public sealed record Content(Attachment Attachment, Stream Stream, string ContentType, long? Length) : AttachmentResult;

    /// <summary>An upload or change refused for a reason the user can act on; <see cref="Status"/> is the HTTP status to answer.</summary>
    public sealed record Refused(int Status, string Field, string Message, TimeSpan? RetryAfter = null) : AttachmentResult;

    public sealed record NotFound(string What) : AttachmentResult;

    /// <summary>The user's role may not see these files (assistants and note files).</summary>
    public sealed record Forbidden(string Reason) : AttachmentResult;
}

/// <summary>What a file hangs on: a client, or one of the client's session notes.</summary>
public readonly record struct FileOwner(Guid? ClientId, Guid? SessionNoteId)
{
    public static FileOwner Client(Guid id) => new(id, null);
    public static FileOwner Note(Guid id) => new(null, id);
}
