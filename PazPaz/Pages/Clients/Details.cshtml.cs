using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Clients;

public sealed class DetailsModel(PazPazDb db, AuditLog audit, CurrentUser current) : PageModel
{
    public Client Client { get; private set; } = null!;
    public int AppointmentCount { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        // Another workspace's client is simply not found: the wall filters it out.
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null) return NotFound();
        Client = client;
        AppointmentCount = await db.Appointments.CountAsync(a => a.ClientId == id, cancellationToken);
        await audit.RecordAsync(AuditAction.Read, nameof(Domain.Client), id, current.WorkspaceId, current.UserId, cancellationToken: cancellationToken);
        return Page();
    }
}
