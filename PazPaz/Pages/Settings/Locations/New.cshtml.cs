using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings.Locations;

[Requires(Area.PracticeSettings)]
public sealed class NewModel(PazPazDb db, CurrentUser current) : PageModel
{
    [BindProperty] public LocationInput Input { get; set; } = new() { LocationType = LocationType.Clinic };

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ModelState.AddProblems(Input.Problems());
        if (!ModelState.HasError("Input.Name") && await db.LocationNameTakenAsync(Input.Name!, null, cancellationToken))
            ModelState.AddModelError("Input.Name", Catalog.DuplicateLocationName);
        if (!ModelState.IsValid) return this.FormWithErrors();

        var location = Location.Create(current.RequireWorkspaceId(), Input.Name!, Input.LocationType!.Value, Input.Address, Input.Details);
        db.Locations.Add(location);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            ModelState.AddModelError("Input.Name", Catalog.DuplicateLocationName);
            return this.FormWithErrors();
        }
        this.Flash($"“{location.Name}” was added.");
        return RedirectToPage("Index");
    }
}
