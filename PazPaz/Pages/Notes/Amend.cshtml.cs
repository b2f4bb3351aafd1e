using Microsoft.AspNetCore.Mvc;
using PazPaz.Data;
using PazPaz.Notes;
using PazPaz.Pages.Shared;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>
/// Amending a finalized note: the form holds its text; saving stores the new text as the next version of the history (the
/// earlier ones stay). An explicit save, not autosave: each save is a version kept forever. A save from an out-of-date
/// page shows both texts, as a draft's autosave does.
/// </summary>
[Requires(Area.ClinicalRecord)]
public sealed class AmendModel(PazPazDb db, TimeProvider clock, SessionNotes notes) : NoteEditorModel(db, clock, notes)
{
    public override string Action => $"/notes/{Note?.Id}/amend";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused) return refused;
        if (Note!.IsDraft || Note.IsDeleted) return Redirect($"/notes/{id}");
        Input = NoteInput.From(Note);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, NoteInput input, CancellationToken cancellationToken)
    {
        Input = input;
        if (await LoadAsync(id, cancellationToken) is { } refused) return refused;
        if (input.Read(ModelState) is not { } content) return await InvalidAsync(autosave: false, cancellationToken);
        var before = Note!.CurrentVersion;
        var result = await Notes.AmendAsync(id, input.ExpectedRevision, _ => content, cancellationToken);
        if (result is not NoteResult.Saved saved) return await AnswerSaveAsync(result, autosave: false, cancellationToken);
        this.Flash(saved.Note.CurrentVersion > before
            ? $"Amendment saved as version {saved.Note.CurrentVersion}. Version {before} is kept in the history."
            : "Saved. The text did not change, so no new version was made.");
        return Redirect($"/notes/{id}");
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var read = await Notes.GetForReadingAsync(id, "page", cancellationToken: cancellationToken);
        if (read is NoteResult.Forbidden forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
        if (read is not NoteResult.Found found) return NotFound();
        await ShowNoteAsync(found.Note, cancellationToken);
        return null;
    }
}
