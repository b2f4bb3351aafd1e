using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Calendar;
using PazPaz.Auth;

namespace PazPaz.Pages.Notes;

/// <summary>
/// Every version of a finalized note, newest first; each one shows, word by word, what changed from the version before it.
/// Read through <see cref="SessionNotes.GetForReadingAsync"/> (audited); never cached.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[Requires(Area.ClinicalRecord)]
public sealed class HistoryModel(PazPazDb db, SessionNotes notes) : PageModel
{
    public sealed record FieldChange(string Label, string? Text, IReadOnlyList<DiffPiece>? Diff)
    {
        public bool Changed => Diff is not null && WordDiff.HasChanges(Diff);
    }

    public sealed record Entry(SessionNoteVersion Version, string When, string? By, List<FieldChange> Fields, bool IsCurrent);

    public SessionNote Note { get; private set; } = null!;
    public string ClientName { get; private set; } = "";
    public List<Entry> Entries { get; private set; } = [];
    public PracticeZone Zone { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var read = await notes.GetForReadingAsync(id, "page", cancellationToken: cancellationToken);
        if (read is NoteResult.Forbidden forbidden) return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
        if (read is not NoteResult.Found found) return NotFound();
        Note = found.Note;
        Zone = await PracticeZone.LoadAsync(db, cancellationToken);
        var client = await db.Clients.Where(c => c.Id == Note.ClientId).Select(c => new { c.FirstName, c.LastName }).FirstAsync(cancellationToken);
        ClientName = $"{client.FirstName} {client.LastName}";
        var versions = Note.Versions.OrderByDescending(v => v.VersionNumber).ToList();
        var authorIds = versions.Select(v => v.CreatedByUserId).OfType<Guid>().Distinct().ToList();
        var authors = await db.Users.Where(u => authorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.FullName, cancellationToken);

        for (var i = 0; i < versions.Count; i++)
        {
            var version = versions[i];
            var previous = i + 1 < versions.Count ? versions[i + 1] : null;
            var fields = new List<FieldChange>
            {
                Change("Subjective", previous?.Subjective, version.Subjective, previous is not null),
                Change("Objective", previous?.Objective, version.Objective, previous is not null),
                Change("Assessment", previous?.Assessment, version.Assessment, previous is not null),
                Change("Plan", previous?.Plan, version.Plan, previous is not null),
            };
            var when = Zone.ToLocal(version.CreatedAt).ToString("ddd d MMM yyyy, HH:mm", PracticeZone.Culture);
            Entries.Add(new Entry(version, when, version.CreatedByUserId is { } by && authors.TryGetValue(by, out var name) ? name : null, fields, i == 0));
        }
        return Page();
    }

    private static FieldChange Change(string label, string? before, string? after, bool compare) =>
        new(label, after, compare ? WordDiff.Compare(before, after) : null);

    public string? Session => Note.AppointmentId is null ? null : $"Session of {Note.SessionDate.ToString("ddd d MMM yyyy", PracticeZone.Culture)}";
}
