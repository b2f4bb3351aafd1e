using Microsoft.AspNetCore.Mvc;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Shared;
using PazPaz.Auth;

namespace PazPaz.Pages.Notes;

/// <summary>
/// A note: a draft in the form (autosaved, finalized from here), a finalized note as text with Amend and History, a deleted
/// one with Restore. Another workspace's note, or an unknown id, is a 404.
/// </summary>
[Requires(Area.ClinicalRecord)]
public sealed class NoteModel(PazPazDb db, TimeProvider clock, SessionNotes notes) : NoteEditorModel(db, clock, notes)
{
    public override string Action => $"/notes/{Note?.Id ?? RouteId}";

    private Guid RouteId => Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) ? id : Guid.Empty;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var read = await Notes.GetForReadingAsync(id, "page", includeDeleted: true, cancellationToken: cancellationToken);
        if (read is not NoteResult.Found found) return Refused(read);
        await ShowNoteAsync(found.Note, cancellationToken);
        Input = NoteInput.From(found.Note);
        return Page();
    }

    /// <summary>"Save draft" without JavaScript.</summary>
    public Task<IActionResult> OnPostAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: false, cancellationToken);

    /// <summary>notes.js: answers with a fragment (200, 409 or 422).</summary>
    public Task<IActionResult> OnPostAutosaveAsync(Guid id, NoteInput input, CancellationToken cancellationToken) => SaveAsync(id, input, autosave: true, cancellationToken);

    /// <summary>Saves what is on screen, then finalizes: the text typed last is the text that becomes version 1.</summary>
    public async Task<IActionResult> OnPostFinalizeAsync(Guid id, NoteInput input, CancellationToken cancellationToken)
    {
        Input = input;
        if (!await LoadForPostAsync(id, autosave: false, cancellationToken)) return NotFound();
        if (input.Read(ModelState) is not { } content) return await InvalidAsync(autosave: false, cancellationToken);
        var saved = await SaveDraftAsync(id, input.ExpectedRevision, content, cancellationToken);
        if (saved is not NoteResult.Saved draft) return await AnswerSaveAsync(saved, autosave: false, cancellationToken);
        var finalized = await Notes.FinalizeAsync(id, draft.Note.Revision, cancellationToken);
        if (finalized is NoteResult.Saved)
        {
            this.Flash("Note finalized. It is kept as version 1; any change from now on is an amendment.");
            return Redirect($"/notes/{id}");
        }
        Input.Revision = draft.Note.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await AnswerSaveAsync(finalized, autosave: false, cancellationToken);
    }

    private async Task<IActionResult> SaveAsync(Guid id, NoteInput input, bool autosave, CancellationToken cancellationToken)
    {
        Input = input;
        if (!await LoadForPostAsync(id, autosave, cancellationToken)) return NotFound();
        if (input.Read(ModelState) is not { } content) return await InvalidAsync(autosave, cancellationToken);
        return await AnswerSaveAsync(await SaveDraftAsync(id, input.ExpectedRevision, content, cancellationToken), autosave, cancellationToken);
    }

    /// <summary>
    /// A plain post may show the page again, so it reads the note through the audited path (false: 404). An autosave answers
    /// with a status line only: no read to audit on every pause in typing; the save itself finds out whether the note exists.
    /// </summary>
    private async Task<bool> LoadForPostAsync(Guid id, bool autosave, CancellationToken cancellationToken)
    {
        if (autosave)
        {
            await LoadZoneAsync(cancellationToken);
            return true;
        }
        if (await Notes.GetForReadingAsync(id, "page", includeDeleted: true, cancellationToken: cancellationToken) is not NoteResult.Found found) return false;
        await ShowNoteAsync(found.Note, cancellationToken);
        return true;
    }

    private IActionResult Refused(NoteResult result) => result is NoteResult.Forbidden forbidden
        ? StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason)
        : NotFound();
}
