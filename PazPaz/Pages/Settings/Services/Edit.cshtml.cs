using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Scheduling;
using PazPaz.Auth;

namespace PazPaz.Pages.Settings.Services;

[Requires(Area.PracticeSettings)]
public sealed class EditModel(PazPazDb db) : PageModel
{
    [BindProperty] public ServiceInput Input { get; set; } = new();
    public Service Service { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } service) return NotFound();
        Input = ServiceInput.From(service);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } service) return NotFound();
        ModelState.AddProblems(Input.Problems());
        if (!ModelState.HasError("Input.Name") && await db.ServiceNameTakenAsync(Input.Name!, id, cancellationToken))
            ModelState.AddModelError("Input.Name", Catalog.DuplicateServiceName);
        if (!ModelState.IsValid) return this.FormWithErrors();

        service.Update(Input.Name!, Input.DefaultDurationMinutes!.Value, Input.Description);
        try
        {
            await db.SaveRaisingSequencesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (Catalog.IsUniqueViolation(e))
        {
            ModelState.AddModelError("Input.Name", Catalog.DuplicateServiceName);
            return this.FormWithErrors();
        }
        this.Flash("Saved.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } service) return NotFound();
        service.Archive();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"“{service.Name}” was archived. It is no longer offered for new appointments.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } service) return NotFound();
        service.Restore();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"“{service.Name}” was restored.");
        return RedirectToPage("Index");
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } service) return NotFound();
        var archived = await db.DeleteOrArchiveAsync(service, cancellationToken);
        this.Flash(archived
            ? $"“{service.Name}” is used by appointments, so it was archived instead of deleted. It is no longer offered for new appointments."
            : $"“{service.Name}” was deleted.");
        return RedirectToPage("Index");
    }

    /// <summary>Another workspace's service is not found: the wall filters it out.</summary>
    private async Task<Service?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (service is not null) Service = service;
        return service;
    }
}
