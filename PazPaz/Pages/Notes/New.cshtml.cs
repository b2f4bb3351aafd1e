using Microsoft.AspNetCore.Mvc;
using PazPaz.Data;
using PazPaz.Notes;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>"New note" on a client's page: a standalone note, not tied to an appointment, created by its first save.</summary>
[Requires(Area.ClinicalRecord)]
public sealed class NewModel(PazPazDb db, TimeProvider clock, SessionNotes notes) : NoteEditorModel(db, clock, notes)
{
    public override string Action => $"/clients/{ClientId}/notes/new";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await Notes.WhyNotAllowedAsync(cancellationToken) is { } forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden);
        if (!await LoadContextAsync(id, null, cancellationToken)) return NotFound();
        Input = new NoteInput { SessionDate = Iso(Today) };
        return Page();
    }

    public Task<IActionResult> OnPostAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: false, finalize: false, cancellationToken);

    public Task<IActionResult> OnPostAutosaveAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: true, finalize: false, cancellationToken);

    public Task<IActionResult> OnPostFinalizeAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: false, finalize: true, cancellationToken);

    private async Task<IActionResult> SaveAsync(Guid id, NoteInput input, bool autosave, bool finalize, CancellationToken cancellationToken)
    {
        if (!await LoadContextAsync(id, null, cancellationToken)) return NotFound();
        return await SaveNewAsync(input, content => Notes.CreateStandaloneAsync(id, _ => content, cancellationToken), autosave, finalize, cancellationToken);
    }
}
