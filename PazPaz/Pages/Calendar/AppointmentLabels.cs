using PazPaz.Domain;

namespace PazPaz.Pages.Calendar;

/// <summary>A session's note as the calendar marks it: written (finalized), a draft, missing (ended without one), or nothing to say.</summary>
public enum NoteMark { None, Written, Draft, Missing }

/// <summary>What a therapist reads for each status; colour is never the only signal.</summary>
public static class AppointmentLabels
{
    public static string Name(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Completed => "Completed",
        AppointmentStatus.Cancelled => "Cancelled",
        AppointmentStatus.NoShow => "No-show",
        _ => "Scheduled",
    };

    /// <summary>The mark beside the client's name: ✓ completed, ⊘ no-show, ✕ cancelled, none when scheduled.</summary>
    public static string Icon(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Completed => "✓",
        AppointmentStatus.NoShow => "⊘",
        AppointmentStatus.Cancelled => "✕",
        _ => "",
    };

    /// <summary>What a screen reader hears about the session's note (the icon says the same to the eye).</summary>
    public static string NoteText(NoteMark mark) => mark switch
    {
        NoteMark.Written => "session note written",
        NoteMark.Draft => "session note in draft",
        NoteMark.Missing => "no session note yet",
        _ => "",
    };
}
