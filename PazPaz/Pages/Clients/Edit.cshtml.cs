using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Scheduling;
using PazPaz.Auth;

namespace PazPaz.Pages.Clients;

public sealed class EditModel(PazPazDb db, ReadAudit reads, TimeProvider clock, CurrentUser current) : PageModel
{
    [BindProperty] public ClientInput Input { get; set; } = new();
    /// <summary>The client's version the form was filled from: a save over a newer one shows the newer one instead.</summary>
    [BindProperty(Name = "version")] public uint? Version { get; set; }
    public Client Client { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        // Another workspace's client is not found: the wall filters it out.
        if (await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return NotFound();
        Client = client;
        Input = ClientInput.From(client);
        Version = client.Version;
        await reads.RecordAsync(nameof(Domain.Client), [client.Id], "page_edit", cancellationToken); // the form shows every health field
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return NotFound();
        Client = client;
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        var today = workspace.Today(clock.GetUtcNow());
        var details = Input.ToDetails();
        if (!current.May(Area.ClinicalRecord)) details = details.KeepingClinicalFieldsOf(client.Details()); // the form left them out
        ModelState.AddProblems(Client.Problems(details, today));
        if (!ModelState.IsValid) return this.FormWithErrors();

        if (Version is { } basedOn && basedOn != client.Version) return ShowChangedElsewhere(client);
        client.Update(details, today);
        try
        {
            await db.SaveRaisingSequencesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Saved by someone else between this read and this write: show theirs (nothing of this post was written).
            db.ChangeTracker.Clear();
            return await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } stored ? ShowChangedElsewhere(stored) : NotFound();
        }
        this.Flash("Saved.");
        return RedirectToPage("Details", new { id });
    }

    private IActionResult ShowChangedElsewhere(Client stored)
    {
        ModelState.Clear(); // the posted values give way to the stored ones
        Client = stored;
        Input = ClientInput.From(stored);
        Version = stored.Version;
        return this.FormChangedElsewhere("client");
    }
}
