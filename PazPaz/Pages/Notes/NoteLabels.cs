using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>The words a therapist reads for a note's state, the same on the note page, the history and the client's timeline.</summary>
public static class NoteLabels
{
    public static string Status(SessionNoteStatus status, int amendmentCount) => status switch
    {
        SessionNoteStatus.Draft => "Draft",
        SessionNoteStatus.Finalized => "Finalized",
        _ => amendmentCount == 1 ? "Amended once" : $"Amended {amendmentCount} times",
    };

    public static string Status(SessionNote note) => Status(note.Status, note.AmendmentCount);

    public static string Minutes(int? minutes) => minutes is { } m ? $"{m} min" : "";
}
