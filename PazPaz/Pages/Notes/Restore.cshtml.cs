using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Notes;
using PazPaz.Pages.Shared;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Notes;

/// <summary>"Restore" of a deleted note (client page, "Recently deleted"; the deleted note's page), within its 30 days.</summary>
[Requires(Area.ClinicalRecord)]
public sealed class RestoreModel(PazPazDb db, SessionNotes notes) : PageModel
{
    public IActionResult OnGet(Guid id) => Redirect($"/notes/{id}");

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        switch (await notes.RestoreAsync(id, cancellationToken))
        {
            case NoteResult.Saved saved:
                this.Flash("Session note restored.");
                return Redirect($"/notes/{saved.Note.Id}");
            case NoteResult.Invalid invalid:
                var clientId = await db.SessionNotes.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).Where(n => n.Id == id)
                    .Select(n => n.ClientId).FirstAsync(cancellationToken);
                this.Flash(string.Join(" ", invalid.Problems.Values), "Error");
                return Redirect($"/clients/{clientId}#recently-deleted");
            case NoteResult.Forbidden forbidden:
                return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
            default:
                return NotFound();
        }
    }
}
