using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Audit;

/// <summary>
/// The one code path that audits reads of health data (§12), for pages and the API alike: one <c>read</c> event per call.
/// One id is the event's resource; a list leaves the resource empty and names its ids in the metadata
/// (<c>{"via":…,"ids":[…]}</c>), so a page of fifty clients is one event, not fifty. Nothing read, nothing recorded.
/// </summary>
/// <remarks>
/// What counts as a read, and is recorded here:
/// <list type="bullet">
/// <item>a client record: the client list (and its search), the client page, the edit form, the appointment form's client
/// type-ahead (names and e-mail addresses), the clients API;</item>
/// <item>appointments, whenever they are shown with the client's name or the appointment's own notes: the calendar, the
/// appointment dialog and its delete dialog, the visits on a client's page, the appointments API — who sees a therapist
/// and when is health data in itself (a psychologist's calendar is a list of patients);</item>
/// <item>session notes (<see cref="Notes.SessionNotes"/>) and files (<see cref="Files.Attachments"/>), which call this.</item>
/// </list>
/// Not recorded: overlap warnings (client initials only, which identify nobody); the client's name in the header of a note or
/// file page (that page's note or file read names it already) or of an empty form for a new note (reached from the client's
/// page or the appointment dialog, whose reads were recorded); responses to a write, which echo what was just written
/// and are audited as the write; calendar-sync feeds fetched by calendar apps (no person reads them there; the feed's
/// creation and settings are audited, a one-off export is an <c>export</c> event); e-mails.
/// </remarks>
public sealed class ReadAudit(AuditLog audit, CurrentUser current)
{
    public async Task RecordAsync(string resourceType, IReadOnlyCollection<Guid> ids, string via, CancellationToken cancellationToken = default)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0) return;
        object metadata = distinct.Count == 1 ? new { via } : new { via, ids = distinct };
        await audit.AppendAsync(AuditAction.Read, resourceType, distinct.Count == 1 ? distinct[0] : null, current.WorkspaceId, current.UserId,
            metadata, cancellationToken);
    }
}
