using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Files;

namespace PazPaz.Pages.Files;

/// <summary>One file: a picture shown whole, a PDF in the browser's own viewer inside a sandboxed frame, and Download.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ViewModel(Attachments attachments, PazPazDb db) : PageModel
{
    public Attachment Attachment { get; private set; } = null!;
    public string ClientName { get; private set; } = "";
    public string BackUrl { get; private set; } = "";
    public string BackLabel { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await attachments.GetAsync(id, owner: null, "page", cancellationToken: cancellationToken);
        if (result is AttachmentResult.Forbidden forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
        if (result is not AttachmentResult.Saved found) return NotFound();
        Attachment = found.Attachment;
        var client = await db.Clients.Where(c => c.Id == Attachment.ClientId).Select(c => new { c.FirstName, c.LastName }).SingleAsync(cancellationToken);
        ClientName = $"{client.FirstName} {client.LastName}";
        (BackUrl, BackLabel) = Attachment.SessionNoteId is { } note ? ($"/notes/{note}", "Session note") : ($"/clients/{Attachment.ClientId}#files", ClientName);
        return Page();
    }
}
