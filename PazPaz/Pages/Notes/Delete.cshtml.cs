using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Calendar;
using PazPaz.Pages.Shared;
using PazPaz.Auth;

namespace PazPaz.Pages.Notes;

/// <summary>
/// Deleting a note (a draft, or a finalized note never amended) with a reason. It leaves every list and can be restored
/// from the client's page ("Recently deleted") for 30 days; then the daily job purges it.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[Requires(Area.ClinicalRecord)]
public sealed class DeleteModel(PazPazDb db, SessionNotes notes) : PageModel
{
    public SessionNote Note { get; private set; } = null!;
    public string ClientName { get; private set; } = "";
    [BindProperty(Name = "reason")] public string? Reason { get; set; }
    [BindProperty(Name = "revision")] public string? Revision { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused) return refused;
        Revision = Note.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused) return refused;
        uint? revision = uint.TryParse(Revision, out var r) ? r : null;
        switch (await notes.DeleteAsync(id, Reason, revision, cancellationToken))
        {
            case NoteResult.Saved:
                this.Flash($"Session note deleted. You can restore it here, under “Recently deleted”, for {SessionNote.DeleteGrace.Days} days.");
                return Redirect($"/clients/{Note.ClientId}#recently-deleted");
            case NoteResult.Conflict conflict:
                Note = conflict.Current;
                Revision = conflict.Current.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ModelState.AddModelError("reason", "The note changed while this page was open. Look at it again before deleting it; press Delete again to delete it as it is now.");
                break;
            case NoteResult.Invalid invalid:
                foreach (var (_, message) in invalid.Problems) ModelState.AddModelError("reason", message);
                break;
            case NoteResult.Forbidden forbidden:
                return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
            default:
                return NotFound();
        }
        return this.FormWithErrors();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var read = await notes.GetForReadingAsync(id, "page", cancellationToken: cancellationToken);
        if (read is NoteResult.Forbidden forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
        if (read is not NoteResult.Found found) return NotFound();
        Note = found.Note;
        ClientName = db.Clients.Where(c => c.Id == Note.ClientId).Select(c => new { c.FirstName, c.LastName }).AsEnumerable().Select(c => $"{c.FirstName} {c.LastName}").First();
        return null;
    }

    public string Summary => $"{NoteLabels.Status(Note)} note of {Note.SessionDate.ToString("ddd d MMM yyyy", PracticeZone.Culture)}";
}
