using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings.Services;

[Requires(Area.PracticeSettings)]
public sealed class NewModel(PazPazDb db, CurrentUser current) : PageModel
{
    [BindProperty] public ServiceInput Input { get; set; } = new() { DefaultDurationMinutes = 60 };

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ModelState.AddProblems(Input.Problems());
        if (!ModelState.HasError("Input.Name") && await db.ServiceNameTakenAsync(Input.Name!, null, cancellationToken))
            ModelState.AddModelError("Input.Name", Catalog.DuplicateServiceName);
        if (!ModelState.IsValid) return this.FormWithErrors();

        var service = Service.Create(current.RequireWorkspaceId(), Input.Name!, Input.DefaultDurationMinutes!.Value, Input.Description);
        db.Services.Add(service);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            ModelState.AddModelError("Input.Name", Catalog.DuplicateServiceName);
            return this.FormWithErrors();
        }
        this.Flash($"“{service.Name}” was added.");
        return RedirectToPage("Index");
    }
}
