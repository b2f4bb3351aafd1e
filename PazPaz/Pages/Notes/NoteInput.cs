using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>
/// The note form's fields as posted (subjective, objective, assessment, plan, session_date, duration_minutes, revision).
/// Dates and numbers arrive as text so that "abc" becomes a field error of ours, never a binder exception or a 500.
/// </summary>
public sealed class NoteInput
{
    [ModelBinder(Name = "subjective")] public string? Subjective { get; set; }
    [ModelBinder(Name = "objective")] public string? Objective { get; set; }
    [ModelBinder(Name = "assessment")] public string? Assessment { get; set; }
    [ModelBinder(Name = "plan")] public string? Plan { get; set; }
    [ModelBinder(Name = "session_date")] public string? SessionDate { get; set; }
    [ModelBinder(Name = "duration_minutes")] public string? DurationMinutes { get; set; }
    /// <summary>The note's revision the page was showing: a save from an older one is a conflict, never an overwrite.</summary>
    [ModelBinder(Name = "revision")] public string? Revision { get; set; }

    /// <summary>The four SOAP fields: form name, label, and the question each answers.</summary>
    public static readonly IReadOnlyList<(string Name, string Label, string Hint)> SoapFields =
    [
        ("subjective", "Subjective", "What the client reports: complaints, history, how they feel."),
        ("objective", "Objective", "What you observed and measured: findings, tests, range of motion."),
        ("assessment", "Assessment", "Your clinical reading of the session and the progress."),
        ("plan", "Plan", "Treatment, exercises, next steps and the next session."),
    ];

    public string? Soap(string name) => name switch
    {
        "subjective" => Subjective,
        "objective" => Objective,
        "assessment" => Assessment,
        "plan" => Plan,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a SOAP field."),
    };

    public uint? ExpectedRevision => uint.TryParse(Revision, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;

    public static NoteInput From(SessionNote note) => new()
    {
        Subjective = note.Subjective, Objective = note.Objective, Assessment = note.Assessment, Plan = note.Plan,
        SessionDate = note.SessionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DurationMinutes = note.DurationMinutes?.ToString(CultureInfo.InvariantCulture),
        Revision = note.Revision.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The content to save, or null with field errors (keyed by form name) when a value cannot even be read. The
    /// entity's own rules (lengths, a future date, 0–480 minutes) come back from the notes service as problems.
    /// </summary>
    public SessionNoteContent? Read(ModelStateDictionary modelState)
    {
        DateOnly date = default;
        if (string.IsNullOrWhiteSpace(SessionDate)) modelState.AddModelError("session_date", "Enter the session date.");
        else if (!DateOnly.TryParseExact(SessionDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            modelState.AddModelError("session_date", "Enter the session date as a date (YYYY-MM-DD).");

        int? duration = null;
        if (!string.IsNullOrWhiteSpace(DurationMinutes))
        {
            if (int.TryParse(DurationMinutes.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes)) duration = minutes;
            else modelState.AddModelError("duration_minutes", $"Enter the duration in whole minutes, from 0 to {SessionNote.MaxDurationMinutes}.");
        }
        if (!modelState.IsValid) return null;
        return new SessionNoteContent(Text(Subjective), Text(Objective), Text(Assessment), Text(Plan), date, duration);
    }

    /// <summary>Browsers post line breaks as CR LF but count them as one character against maxlength: store LF.</summary>
    private static string? Text(string? value) => value?.Replace("\r\n", "\n");

    /// <summary>The form name of a problem the notes service reports by property name.</summary>
    public static string FieldName(string property) => property switch
    {
        nameof(SessionNoteContent.Subjective) => "subjective",
        nameof(SessionNoteContent.Objective) => "objective",
        nameof(SessionNoteContent.Assessment) => "assessment",
        nameof(SessionNoteContent.Plan) => "plan",
        nameof(SessionNoteContent.SessionDate) => "session_date",
        nameof(SessionNoteContent.DurationMinutes) => "duration_minutes",
        "Reason" => "reason",
        _ => "",
    };
}
