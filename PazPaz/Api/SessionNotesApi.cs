using System.Globalization;
using System.Text.Json.Serialization;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Auth;

namespace PazPaz.Api;

/// <summary>
/// <c>/api/v1/session-notes</c>: the same <see cref="SessionNotes"/> the note pages use. Optimistic concurrency: every note
/// answer carries <c>ETag: "&lt;revision&gt;"</c> and a <c>revision</c> field. A write may send <c>If-Match</c> with that
/// ETag (stale → 412 Precondition Failed) or the <c>revision</c> in the body (stale → 409 Conflict); either way the problem
/// carries the note as stored now in <c>current</c>, and nothing is overwritten. A write with neither is not checked.
/// </summary>
public static class SessionNotesApi
{
    public sealed record VersionResponse(int VersionNumber, string? Subjective, string? Objective, string? Assessment, string? Plan,
        Guid? CreatedByUserId, DateTimeOffset CreatedAt);

    public sealed record SessionNoteResponse(Guid Id, Guid WorkspaceId, Guid ClientId, Guid? AppointmentId, string? Subjective,
        string? Objective, string? Assessment, string? Plan, DateOnly SessionDate, int? DurationMinutes, string Status,
        DateTimeOffset? FinalizedAt, DateTimeOffset? AmendedAt, int AmendmentCount, int CurrentVersion, uint Revision,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt, string? DeletedReason, DateTimeOffset? PermanentDeleteAfter,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<VersionResponse>? Versions);

    private static readonly string[] TextFields = ["subjective", "objective", "assessment", "plan"];
    private static readonly string[] ContentFields = [.. TextFields, "session_date", "duration_minutes"];

    public static void MapSessionNotesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/session-notes").WithTags("Session notes").Requires(Area.ClinicalRecord);

        group.MapGet("/", ListAsync).WithName("ListSessionNotes")
            .WithSummary("Session notes, newest session first, without versions; filter by client_id, appointment_id, status (draft, finalized, amended), from and to (session dates, YYYY-MM-DD, inclusive), updated_since; q searches the text of one client's notes (client_id required); deleted=true lists deleted notes still restorable. Paged (page, page_size 1–100). The notes returned are recorded as read in one audit event. Owners only (403 for assistants).")
            .Produces<PagedList<SessionNoteResponse>>();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetSessionNote")
            .WithSummary("One note with its versions, newest first, and its ETag; include_deleted=true also finds a deleted note. The read is audited.")
            .Produces<SessionNoteResponse>();
        group.MapPost("/", CreateAsync).WithName("CreateSessionNote").AcceptsJson([.. ContentFields, "client_id", "appointment_id"])
            .WithSummary("A draft for appointment_id (dated the appointment's day, as long as it; one note per appointment: 200 with the existing note when the body has no text, 409 with session_note_id when it has) or standalone for client_id (dated today unless session_date). Optional subjective, objective, assessment, plan (≤ 5000 characters each), session_date (not in the future, practice time zone), duration_minutes (0–480). 201 with Location and ETag.")
            .Produces<SessionNoteResponse>(StatusCodes.Status201Created);
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateSessionNote").AcceptsJson([.. ContentFields, "revision"])
            .WithSummary("Partial update of the text, session_date, duration_minutes: a draft is saved as a draft (autosave); a finalized note is amended (its new text becomes the next version). Concurrency: If-Match with the ETag (stale: 412) or revision in the body (stale: 409); both answer the stored note in current.")
            .Produces<SessionNoteResponse>();
        group.MapPost("/{id:guid}/finalize", FinalizeAsync).WithName("FinalizeSessionNote").AcceptsJson(["revision"], optional: true)
            .WithSummary("Finalizes a draft (needs at least one non-empty field): stores version 1 and marks a scheduled appointment that has started completed. If-Match or revision as for updates.")
            .Produces<SessionNoteResponse>();
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteSessionNote").AcceptsJson(["reason", "revision"], optional: true)
            .WithSummary("Deletes a draft or a finalized note never amended; body {reason} required. Restorable for 30 days (POST /{id}/restore), then purged. 204. If-Match or revision as for updates.");
        group.MapPost("/{id:guid}/restore", RestoreAsync).WithName("RestoreSessionNote")
            .WithSummary("Brings back a note deleted less than 30 days ago. Answers the note.")
            .Produces<SessionNoteResponse>();
    }

    public static SessionNoteResponse ToResponse(SessionNote n, bool withVersions = false) => new(n.Id, n.WorkspaceId, n.ClientId,
        n.AppointmentId, n.Subjective, n.Objective, n.Assessment, n.Plan, n.SessionDate, n.DurationMinutes, ApiNames.Of(n.Status),
        n.FinalizedAt, n.AmendedAt, n.AmendmentCount, n.CurrentVersion, n.Revision, n.CreatedAt, n.UpdatedAt, n.DeletedAt, n.DeletedReason,
        n.PermanentDeleteAfter,
        withVersions ? n.Versions.OrderByDescending(v => v.VersionNumber)
            .Select(v => new VersionResponse(v.VersionNumber, v.Subjective, v.Objective, v.Assessment, v.Plan, v.CreatedByUserId, v.CreatedAt)).ToList() : null);

    public static string ETagOf(SessionNote note) => $"\"{note.Revision.ToString(CultureInfo.InvariantCulture)}\"";

    private static async Task<IResult> ListAsync(HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var filter = new NoteFilter
        {
            ClientId = query.Guid("client_id"),
            AppointmentId = query.Guid("appointment_id"),
            Status = query.Enum<SessionNoteStatus>("status"),
            From = query.Date("from"),
            To = query.Date("to"),
            UpdatedSince = query.Instant("updated_since"),
            Deleted = query.Bool("deleted"),
            Search = query.Text("q", SessionNotes.SearchMaxLength),
        };
        var page = query.Int("page", 1, 1, 1_000_000);
        var pageSize = query.Int("page_size", 50, 1, 100);
        if (query.IsValid && SessionNotes.Words(filter.Search).Length > 0 && filter.ClientId is null)
            query.Errors["q"] = ["Search works within one client's notes: send client_id too."];
        if (query.IsValid && filter.From > filter.To) query.Errors["to"] = ["Must not be before from."];
        if (!query.IsValid) return query.Problem();

        return await notes.ListAsync(filter, page, pageSize, "api_list", cancellationToken) switch
        {
            NoteResult.Listed listed => Results.Ok(new PagedList<SessionNoteResponse>(listed.Notes.Select(n => ToResponse(n)).ToList(), listed.Total,
                page, pageSize, (listed.Total + pageSize - 1) / pageSize)),
            var other => Respond(request.HttpContext, other, conflictStatus: StatusCodes.Status409Conflict),
        };
    }

    private static async Task<IResult> GetAsync(Guid id, HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var includeDeleted = query.Bool("include_deleted");
        if (!query.IsValid) return query.Problem();
        return Respond(request.HttpContext, await notes.GetForReadingAsync(id, "api", includeDeleted, cancellationToken),
            StatusCodes.Status409Conflict, withVersions: true);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var clientId = input.Guid("client_id", nullable: false);
        var appointmentId = input.Guid("appointment_id", nullable: false);
        var edit = ReadContent(input);
        if (input.IsValid && clientId is null && appointmentId is null)
            input.AddError("client_id", "Send client_id for a standalone note, or appointment_id for an appointment's note.");
        if (input.IsValid && clientId is not null && appointmentId is not null)
            input.AddError("appointment_id", "Send either client_id or appointment_id: an appointment's note belongs to its client.");
        if (!input.IsValid) return input.Problem();

        var result = appointmentId is { } forAppointment
            ? await notes.OpenForAppointmentAsync(forAppointment, edit, cancellationToken)
            : await notes.CreateStandaloneAsync(clientId!.Value, edit, cancellationToken);
        if (result is NoteResult.Saved { Created: false } existing)
        {
            if (TextFields.Any(input.Has))
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "This appointment already has a session note.",
                    detail: "Change that note with PUT /api/v1/session-notes/{id}.",
                    extensions: new Dictionary<string, object?> { ["session_note_id"] = existing.Note.Id });
            return WithETag(request.HttpContext, existing.Note, Results.Ok(ToResponse(existing.Note)));
        }
        if (result is NoteResult.Saved { Created: true } created)
            return WithETag(request.HttpContext, created.Note, Results.Created($"/api/v1/session-notes/{created.Note.Id}", ToResponse(created.Note)));
        return Respond(request.HttpContext, result, StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var edit = ReadContent(input);
        var (expected, conflictStatus) = ExpectedRevision(request, input);
        if (!input.IsValid) return input.Problem();
        if (expected is null && IfMatchPresent(request)) return StalePrecondition();

        var result = await notes.UpdateAsync(id, expected, edit, cancellationToken);
        return Respond(request.HttpContext, result, conflictStatus);
    }

    private static async Task<IResult> FinalizeAsync(Guid id, HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var (expected, conflictStatus) = ExpectedRevision(request, input);
        if (!input.IsValid) return input.Problem();
        if (expected is null && IfMatchPresent(request)) return StalePrecondition();
        return Respond(request.HttpContext, await notes.FinalizeAsync(id, expected, cancellationToken), conflictStatus);
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpRequest request, SessionNotes notes, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var reason = input.String("reason", maxLength: SessionNote.ReasonMaxLength);
        var (expected, conflictStatus) = ExpectedRevision(request, input);
        if (!input.IsValid) return input.Problem();
        if (expected is null && IfMatchPresent(request)) return StalePrecondition();

        var result = await notes.DeleteAsync(id, reason, expected, cancellationToken);
        return result is NoteResult.Saved ? Results.NoContent() : Respond(request.HttpContext, result, conflictStatus);
    }

    private static async Task<IResult> RestoreAsync(Guid id, HttpRequest request, SessionNotes notes, CancellationToken cancellationToken) =>
        Respond(request.HttpContext, await notes.RestoreAsync(id, cancellationToken), StatusCodes.Status409Conflict);

    /// <summary>The body's content fields over the note's current content: a field sent replaces it, a field left out keeps it.</summary>
    private static Func<SessionNoteContent, SessionNoteContent> ReadContent(JsonInput input)
    {
        string? Text(string name) => input.String(name, maxLength: SessionNote.FieldMaxLength);
        var (s, o, a, p) = (Text("subjective"), Text("objective"), Text("assessment"), Text("plan"));
        var date = input.Date("session_date", nullable: false);
        var minutes = input.Int("duration_minutes", nullable: true);
        return current => current with
        {
            Subjective = input.Has("subjective") ? s : current.Subjective,
            Objective = input.Has("objective") ? o : current.Objective,
            Assessment = input.Has("assessment") ? a : current.Assessment,
            Plan = input.Has("plan") ? p : current.Plan,
            SessionDate = date ?? current.SessionDate,
            DurationMinutes = input.Has("duration_minutes") ? minutes : current.DurationMinutes,
        };
    }

    /// <summary>
    /// The revision the caller started from: If-Match (a stale one answers 412) or the body's revision (409). A malformed
    /// If-Match can match nothing, so it is stale too.
    /// </summary>
    private static (uint? Expected, int ConflictStatus) ExpectedRevision(HttpRequest request, JsonInput input)
    {
        var fromBody = input.UInt("revision");
        if (!IfMatchPresent(request)) return (fromBody, StatusCodes.Status409Conflict);
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.StartsWith("W/", StringComparison.Ordinal)) header = header[2..];
        if (header.Length >= 2 && header[0] == '"' && header[^1] == '"' &&
            uint.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            return (revision, StatusCodes.Status412PreconditionFailed);
        return (null, StatusCodes.Status412PreconditionFailed);
    }

    private static bool IfMatchPresent(HttpRequest request) =>
        request.Headers.IfMatch.Count > 0 && request.Headers.IfMatch.ToString().Trim() is { Length: > 0 } value && value != "*";

    private static IResult StalePrecondition() =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "If-Match does not name a revision of this note.",
            detail: "Send the ETag of the note as you loaded it, e.g. If-Match: \"1234\".");

    private static IResult Respond(HttpContext http, NoteResult result, int conflictStatus, bool withVersions = false)
    {
        switch (result)
        {
            case NoteResult.Saved saved:
                return WithETag(http, saved.Note, Results.Ok(ToResponse(saved.Note, withVersions)));
            case NoteResult.Found found:
                return WithETag(http, found.Note, Results.Ok(ToResponse(found.Note, withVersions)));
            case NoteResult.Conflict conflict:
                http.Response.Headers.ETag = ETagOf(conflict.Current);
                return Results.Problem(statusCode: conflictStatus, title: "The session note changed since you loaded it.",
                    detail: "Nothing was saved. current holds the note as stored now; merge your text into it and save again with its revision.",
                    extensions: new Dictionary<string, object?> { ["current"] = ToResponse(conflict.Current) });
            case NoteResult.Invalid invalid:
                return ApiResults.Validation(invalid.Problems.ToDictionary(p => ApiField(p.Key), p => new[] { p.Value }));
            case NoteResult.NotFound notFound:
                return ApiResults.NotFound(notFound.What);
            case NoteResult.Forbidden forbidden:
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: forbidden.Reason);
            default:
                throw new InvalidOperationException($"Unexpected note result {result.GetType().Name}.");
        }
    }

    private static string ApiField(string property) => property == nameof(NoteFilter.Search) ? "q" : Data.Configurations.ModelConventions.SnakeCase(property);

    private static IResult WithETag(HttpContext http, SessionNote note, IResult result)
    {
        http.Response.Headers.ETag = ETagOf(note);
        http.Response.Headers.CacheControl = "no-store";
        return result;
    }
}
