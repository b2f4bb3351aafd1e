using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Auth;

namespace PazPaz.Pages.Clients;

public sealed class NewModel(PazPazDb db, TimeProvider clock, CurrentUser current) : PageModel
{
    [BindProperty] public ClientInput Input { get; set; } = new();

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        var today = workspace.Today(clock.GetUtcNow());
        var details = Input.ToDetails();
        if (!current.May(Area.ClinicalRecord)) details = details.KeepingClinicalFieldsOf(null); // the form left them out
        ModelState.AddProblems(Client.Problems(details, today));
        if (!ModelState.IsValid) return this.FormWithErrors();

        var client = Client.Create(workspace.Id, details, today);
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"{client.FullName} was added.");
        return RedirectToPage("Details", new { id = client.Id });
    }
}
