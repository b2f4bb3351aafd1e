using PazPaz.Domain;

namespace PazPaz.Pages.Calendar;

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
}
