using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>What _NoteHeader shows. <paramref name="Parent"/>: the breadcrumb's last step back to the note ("Session note"), on its sub-pages.</summary>
public sealed record NoteHeaderView(Guid ClientId, string ClientName, string Title, string? Session, SessionNote? Note, string? Parent = null);
