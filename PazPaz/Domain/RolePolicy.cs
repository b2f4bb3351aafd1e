namespace PazPaz.Domain;

/// <summary>The parts of a practice that not every role may use (§12).</summary>
public enum Area
{
    /// <summary>Session notes, their files, and a client's medical history and private notes.</summary>
    ClinicalRecord,
    AuditTrail,
    /// <summary>The practice's name, time zone, two-step rule, services and locations.</summary>
    PracticeSettings,
    Team,
}

/// <summary>
/// Who may use what, in one place: pages and API endpoints declare the <see cref="Area"/> they belong to and the role gate
/// (Auth/RoleGate) asks here; services that decide per record (a client's files vs a note's files) ask here too.
/// An owner does everything; an assistant runs the calendar and the clients' contact details.
/// </summary>
public static class RolePolicy
{
    /// <summary>Null when <paramref name="role"/> may use <paramref name="area"/>; otherwise the reason, in words a person reads.</summary>
    public static string? WhyNot(UserRole role, Area area) => role == UserRole.Owner ? null : area switch
    {
        Area.ClinicalRecord =>
            "Session notes, medical history and files on notes are the clinical record: only the practice's therapists (owners) can open them.",
        Area.AuditTrail => "Only the practice owner can see the audit trail.",
        Area.PracticeSettings => "Only the practice owner can change the practice's settings, services and locations.",
        Area.Team => "Only the practice owner can manage the team.",
        _ => "Your role cannot use this.",
    };

    public static bool Allows(UserRole role, Area area) => WhyNot(role, area) is null;
}
