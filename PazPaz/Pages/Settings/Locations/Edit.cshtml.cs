using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Scheduling;
using PazPaz.Auth;

namespace PazPaz.Pages.Settings.Locations;

[Requires(Area.PracticeSettings)]
public sealed class EditModel(PazPazDb db) : PageModel
{
    [BindProperty] public LocationInput Input { get; set; } = new();
    public Location Location { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } location) return NotFound();
        Input = LocationInput.From(location);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } location) return NotFound();
        ModelState.AddProblems(Input.Problems());
        if (!ModelState.HasError("Input.Name") && await db.LocationNameTakenAsync(Input.Name!, id, cancellationToken))
            ModelState.AddModelError("Input.Name", Catalog.DuplicateLocationName);
        if (!ModelState.IsValid) return this.FormWithErrors();

        location.Update(Input.Name!, Input.LocationType!.Value, Input.Address, Input.Details);
        try
        {
            await db.SaveRaisingSequencesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            ModelState.AddModelError("Input.Name", Catalog.DuplicateLocationName);
            return this.FormWithErrors();
        }
        this.Flash("Saved.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } location) return NotFound();
        location.Archive();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"“{location.Name}” was archived. It is no longer offered for new appointments.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } location) return NotFound();
        location.Restore();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"“{location.Name}” was restored.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } location) return NotFound();
        var archived = await db.DeleteOrArchiveAsync(location, cancellationToken);
        this.Flash(archived
            ? $"“{location.Name}” is used by appointments, so it was archived instead of deleted. It is no longer offered for new appointments."
            : $"“{location.Name}” was deleted.");
        return RedirectToPage("Index");
    }

    /// <summary>Another workspace's location is not found: the wall filters it out.</summary>
    private async Task<Location?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var location = await db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (location is not null) Location = location;
        return location;
    }
}
