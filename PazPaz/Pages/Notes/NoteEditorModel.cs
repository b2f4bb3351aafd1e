using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Calendar;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Notes;

/// <summary>
/// What the three ways into a draft share (<c>/notes/{id}</c>, <c>/appointments/{id}/note</c>, <c>/clients/{id}/notes/new</c>):
/// the header, the form, and turning a <see cref="NoteResult"/> into an answer — for notes.js's autosave a fragment
/// (200 #save-status, 409 the conflict panel, 422 what is wrong), for a plain post the page again or a redirect.
/// Health data: never cached (no-store), and every read goes through <see cref="SessionNotes"/>, which audits it.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public abstract class NoteEditorModel(PazPazDb db, TimeProvider clock, SessionNotes notes) : PageModel
{
    public NoteInput Input { get; protected set; } = new();
    /// <summary>The note as stored; null while a new note has not been saved yet.</summary>
    public SessionNote? Note { get; protected set; }
    /// <summary>The note as another tab or device saved it, when ours was refused as out of date.</summary>
    public SessionNote? Theirs { get; protected set; }
    public Guid ClientId { get; protected set; }
    public string ClientName { get; protected set; } = "";
    public Guid? AppointmentId { get; protected set; }
    /// <summary>"Tue 10 Mar 2026, 10:00–11:00 · Sports massage" for an appointment's note.</summary>
    public string? Session { get; protected set; }
    public PracticeZone Zone { get; private set; } = null!;
    public DateOnly Today { get; private set; }
    /// <summary>When the server last confirmed it holds the text on screen (practice time).</summary>
    public DateTimeOffset? SavedAt { get; protected set; }

    protected PazPazDb Db => db;
    protected TimeProvider Clock => clock;
    protected SessionNotes Notes => notes;

    /// <summary>Where the form posts: the note's own URL once it exists.</summary>
    public abstract string Action { get; }

    public string AutosaveUrl => Action + "?handler=Autosave";

    public string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected async Task LoadZoneAsync(CancellationToken cancellationToken)
    {
        Zone = await PracticeZone.LoadAsync(db, cancellationToken);
        Today = Zone.Today(clock);
    }

    /// <summary>Client and appointment of the header (the note's own, or the ones a new note is for).</summary>
    protected async Task<bool> LoadContextAsync(Guid clientId, Guid? appointmentId, CancellationToken cancellationToken)
    {
        await LoadZoneAsync(cancellationToken);
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId)
            .Select(c => new { c.FirstName, c.LastName }).FirstOrDefaultAsync(cancellationToken);
        if (client is null) return false;
        ClientId = clientId;
        ClientName = $"{client.FirstName} {client.LastName}";
        AppointmentId = appointmentId;
        if (appointmentId is { } id)
        {
            var a = await db.Appointments.AsNoTracking().Where(x => x.Id == id)
                .Select(x => new { x.ScheduledStart, x.ScheduledEnd, Service = x.Service != null ? x.Service.Name : null })
                .FirstOrDefaultAsync(cancellationToken);
            if (a is not null)
                Session = $"{Zone.ToLocal(a.ScheduledStart).ToString("ddd d MMM yyyy", PracticeZone.Culture)}, {Zone.Span(a.ScheduledStart, a.ScheduledEnd)}"
                          + (a.Service is null ? "" : $" · {a.Service}");
        }
        return true;
    }

    protected async Task<bool> ShowNoteAsync(SessionNote note, CancellationToken cancellationToken)
    {
        Note = note;
        SavedAt ??= note.UpdatedAt;
        return await LoadContextAsync(note.ClientId, note.AppointmentId, cancellationToken);
    }

    /// <summary>The note service's answer to a save, for autosave (fragments) or a plain post (page or redirect).</summary>
    protected async Task<IActionResult> AnswerSaveAsync(NoteResult result, bool autosave, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case NoteResult.Saved saved:
                SavedAt = clock.GetUtcNow();
                Note = saved.Note;
                if (Zone is null) await LoadZoneAsync(cancellationToken);
                if (autosave) return Partial("_SaveStatus", this);
                this.Flash($"Draft saved at {Zone!.Time(SavedAt.Value)}.");
                return Redirect($"/notes/{saved.Note.Id}");
            case NoteResult.Conflict conflict:
                Theirs = conflict.Current;
                await notes.RecordReadAsync([conflict.Current.Id], "page", cancellationToken); // their text is shown
                if (autosave)
                {
                    if (Zone is null) await LoadZoneAsync(cancellationToken);
                    var panel = Partial("_Conflict", this);
                    panel.StatusCode = StatusCodes.Status409Conflict;
                    return panel;
                }
                await ShowNoteAsync(conflict.Current, cancellationToken);
                // Without JavaScript, "Save my text over theirs" posts the form again: from their revision, knowingly.
                Input.Revision = conflict.Current.Revision.ToString(CultureInfo.InvariantCulture);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            case NoteResult.Invalid invalid:
                // A problem that is no field's (a finalized note cannot be saved as a draft) is the form's own: key "note".
                foreach (var (property, message) in invalid.Problems)
                    ModelState.AddModelError(NoteInput.FieldName(property) is { Length: > 0 } field ? field : "note", message);
                return await InvalidAsync(autosave, cancellationToken);
            case NoteResult.Forbidden forbidden:
                return StatusCode(StatusCodes.Status403Forbidden, forbidden.Reason);
            default:
                return NotFound();
        }
    }

    /// <summary>
    /// The first save of a new note (from an appointment or a client page): <paramref name="create"/> makes the draft with the
    /// text typed so far. When the appointment already has a note (another tab got there first), ours is saved into it only
    /// if it is still empty, or if the page already chose to (it names the note's revision); otherwise both texts are shown.
    /// Then "Finalize" finalizes what was saved.
    /// </summary>
    protected async Task<IActionResult> SaveNewAsync(NoteInput input, Func<SessionNoteContent, Task<NoteResult>> create, bool autosave, bool finalize,
        CancellationToken cancellationToken)
    {
        Input = input;
        if (input.Read(ModelState) is not { } content) return await InvalidAsync(autosave, cancellationToken);
        var result = await create(content);
        if (result is NoteResult.Saved { Created: false, Note: var existing })
        {
            var same = Same(existing.Content(), content) || existing.Content() is { IsEmpty: true };
            result = input.ExpectedRevision is { } revision ? await SaveDraftAsync(existing.Id, revision, content, cancellationToken)
                : same && existing.IsDraft ? await SaveDraftAsync(existing.Id, existing.Revision, content, cancellationToken)
                : new NoteResult.Conflict(existing);
        }
        if (finalize && result is NoteResult.Saved saved)
        {
            var finalized = await notes.FinalizeAsync(saved.Note.Id, saved.Note.Revision, cancellationToken);
            if (finalized is NoteResult.Saved)
            {
                this.Flash("Note finalized. It is kept as version 1; any change from now on is an amendment.");
                return Redirect($"/notes/{saved.Note.Id}");
            }
            // Not finalized (nothing written yet): the draft exists now, so its own page shows why.
            if (finalized is NoteResult.Invalid { Problems: var problems }) this.Flash(string.Join(" ", problems.Values), "Error");
            return Redirect($"/notes/{saved.Note.Id}");
        }
        return await AnswerSaveAsync(result, autosave, cancellationToken);
    }

    /// <summary>
    /// Saves a draft from the revision the page had. A refusal because the note moved on is no conflict when the stored text
    /// is already the text sent: an autosave of it landed a moment earlier (the field lost focus as "Finalize" was pressed),
    /// or another tab typed the same.
    /// </summary>
    protected async Task<NoteResult> SaveDraftAsync(Guid id, uint? revision, SessionNoteContent content, CancellationToken cancellationToken)
    {
        var result = await notes.SaveDraftAsync(id, revision, _ => content, cancellationToken);
        return result is NoteResult.Conflict { Current: { IsDraft: true } stored } && Same(stored.Content(), content) ? new NoteResult.Saved(stored) : result;
    }

    private static bool Same(SessionNoteContent a, SessionNoteContent b)
    {
        static string Text(string? s) => (s ?? "").Replace("\r\n", "\n").Trim();
        return Text(a.Subjective) == Text(b.Subjective) && Text(a.Objective) == Text(b.Objective) && Text(a.Assessment) == Text(b.Assessment)
               && Text(a.Plan) == Text(b.Plan) && a.SessionDate == b.SessionDate && a.DurationMinutes == b.DurationMinutes;
    }

    /// <summary>Field errors: 422 with #save-status for autosave, the page again otherwise (422 for htmx, 200 for a plain post).</summary>
    protected async Task<IActionResult> InvalidAsync(bool autosave, CancellationToken cancellationToken)
    {
        if (Zone is null) await LoadZoneAsync(cancellationToken);
        if (autosave)
        {
            var status = Partial("_SaveStatus", this);
            status.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return status;
        }
        if (Note is null && ClientName.Length == 0) await LoadContextAsync(ClientId, AppointmentId, cancellationToken);
        return this.FormWithErrors();
    }

    public bool IsAutosave => Request.Query["handler"] == "Autosave";

    /// <summary>The first error of a form field, for the field and the save status.</summary>
    public string? Error(string field) =>
        ModelState.TryGetValue(field, out var entry) ? entry.Errors.FirstOrDefault()?.ErrorMessage : null;
}
