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

    /// <summary>The visible marker beside the name: ✓ completed, ⊘ no-show, ✕ cancelled, none when scheduled.</summary>
    public static string Marker(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Completed => "✓ Completed",
        AppointmentStatus.Cancelled => "✕ Cancelled",
        AppointmentStatus.NoShow => "⊘ No-show",
        _ => "",
    };
}
