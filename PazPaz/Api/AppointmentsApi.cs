using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;
using PazPaz.Scheduling;

namespace PazPaz.Api;

public static class AppointmentsApi
{
    public sealed record ClientSummary(Guid Id, string FirstName, string LastName, string FullName);

    public sealed record AppointmentResponse(Guid Id, Guid WorkspaceId, Guid ClientId, Guid? ServiceId, Guid? LocationId,
        DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd, string LocationType, string? LocationDetails, string Status,
        string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EditedAt, int EditCount, int Sequence,
        ClientSummary? Client, Guid? SeriesId, DateOnly? SeriesDate, bool ChangedOnItsOwn);

    /// <summary>What a scoped change of a series answers: the series the sessions now belong to, and the sessions it changed.</summary>
    public sealed record SeriesChangeResponse(Guid SeriesId, List<AppointmentResponse> Sessions);

    /// <summary>An appointment in the way (kind "appointment": client initials only) or time off (kind "time_off": its label, no client).</summary>
    public sealed record ConflictResponse(Guid Id, DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd, string? ClientInitials,
        string? Status, string? LocationType, string Kind, string? Label);

    public sealed record ConflictCheckResponse(bool HasConflict, List<ConflictResponse> ConflictingAppointments);


    private static readonly string[] Fields =
        ["client_id", "scheduled_start", "scheduled_end", "service_id", "location_id", "location_type", "location_details", "notes"];

    public static void MapAppointmentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/appointments").WithTags("Appointments");

        group.MapGet("/", ListAsync).WithName("ListAppointments")
            .WithSummary("Appointments, newest start first; filter by start_date, end_date, client_id, status, updated_since. The page is recorded as one read in the audit trail, naming its appointments.");
        group.MapGet("/conflicts", CheckConflictsAsync).WithName("CheckAppointmentConflicts")
            .WithSummary("Scheduled or completed appointments (client initials only) and time off (kind time_off, its label) overlapping a time range.");
        group.MapGet("/export.ics", ExportAsync).WithName("ExportAppointments")
            .WithSummary("A one-off iCalendar (RFC 5545) file of the appointments between start_date and end_date (both required, at most 2 years apart), in the feed's format; privacy_preset (default session) and show_private_locations as a feed's settings. Audited as an export.")
            .Produces(StatusCodes.Status200OK, contentType: "text/calendar");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetAppointment")
            .WithSummary("One appointment with its client's name and notes; the read is recorded in the audit trail.");
        group.MapPost("/", CreateAsync).WithName("CreateAppointment").AcceptsJson(Fields)
            .WithSummary("Books an appointment; 409 with conflicting_appointments unless allow_conflict=true.");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateAppointment").AcceptsJson([.. Fields, "status"])
            .WithSummary("Partial update: only the fields sent change; status changes follow the transition rules. For a session of a series, scope=this (default) changes it on its own (later series edits leave it as it is); scope=following or all changes the scheduled sessions still to come of the series (a new time moves each to the new local time and weekday), and status=cancelled with that scope cancels them; 409 with clashes unless allow_conflict=true.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteAppointment")
            .AcceptsJson(["session_note_action", "reason"], optional: true)
            .WithSummary("Deletes; optional body {session_note_action: keep|delete, reason}.");
    }

    public static AppointmentResponse ToResponse(Appointment a, Client? client) => new(a.Id, a.WorkspaceId, a.ClientId, a.ServiceId,
        a.LocationId, a.ScheduledStart, a.ScheduledEnd, ApiNames.Of(a.LocationType), a.LocationDetails, ApiNames.Of(a.Status), a.Notes,
        a.CreatedAt, a.UpdatedAt, a.EditedAt, a.EditCount, a.Sequence,
        client is null ? null : new ClientSummary(client.Id, client.FirstName, client.LastName, client.FullName), a.SeriesId, a.SeriesDate, a.ChangedOnItsOwn);

    private static async Task<IResult> ListAsync(HttpRequest request, PazPazDb db, ReadAudit reads, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var start = query.Instant("start_date");
        var end = query.Instant("end_date");
        var clientId = query.Guid("client_id");
        var status = query.Enum<AppointmentStatus>("status");
        var updatedSince = query.Instant("updated_since");
        var page = query.Int("page", 1, 1, int.MaxValue);
        var pageSize = query.Int("page_size", 50, 1, 100);
        if (!query.IsValid) return query.Problem();

        var appointments = db.Appointments.AsNoTracking();
        if (start is { } from)
        {
            var earliestStart = from - Appointment.MaxLength; // see AppointmentRanges.Overlapping
            appointments = appointments.Where(a => a.ScheduledEnd > from && a.ScheduledStart >= earliestStart);
        }
        if (end is { } to) appointments = appointments.Where(a => a.ScheduledStart < to);
        if (clientId is { } c) appointments = appointments.Where(a => a.ClientId == c);
        if (status is { } s) appointments = appointments.Where(a => a.Status == s);
        if (updatedSince is { } since) appointments = appointments.Where(a => a.UpdatedAt >= since);

        var total = await appointments.CountAsync(cancellationToken);
        var items = await appointments.Include(a => a.Client).OrderByDescending(a => a.ScheduledStart).ThenBy(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        // Each carries its client's name and the appointment's notes: one read event naming the appointments on this page.
        await reads.RecordAsync(nameof(Appointment), items.Select(a => a.Id).ToList(), "api_list", cancellationToken);
        return Results.Ok(new PagedList<AppointmentResponse>(items.Select(a => ToResponse(a, a.Client)).ToList(), total, page, pageSize,
            (total + pageSize - 1) / pageSize));
    }

    public static readonly TimeSpan MaxExportRange = TimeSpan.FromDays(731);

    private static async Task<IResult> ExportAsync(HttpRequest request, PazPazDb db, CurrentUser current, AuditLog audit, TimeProvider clock,
        IOptions<PazPazOptions> options, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var start = query.Instant("start_date", required: true);
        var end = query.Instant("end_date", required: true);
        var preset = query.Enum<FeedPrivacyPreset>("privacy_preset") ?? FeedPrivacyPreset.Session;
        var showPrivate = query.Bool("show_private_locations");
        if (query.IsValid && end <= start)
            return ApiResults.Validation(new Dictionary<string, string[]> { ["end_date"] = ["Must be after start_date."] });
        if (query.IsValid && end - start > MaxExportRange)
            return ApiResults.Validation(new Dictionary<string, string[]> { ["end_date"] = ["The range is at most 2 years; export in parts."] });
        if (!query.IsValid) return query.Problem();

        var workspaceId = current.RequireWorkspaceId();
        var userId = current.RequireUserId();
        var workspace = await db.Workspaces.AsNoTracking().Select(w => new { w.TimeZone }).SingleAsync(cancellationToken);
        var therapist = await db.Users.Where(u => u.Id == userId).Select(u => u.FullName).SingleAsync(cancellationToken);
        var rows = await db.FeedAppointmentsAsync(workspaceId, start!.Value, end!.Value, cancellationToken);
        var busy = await db.TimeOff.AsNoTracking().BusyForFeed(workspaceId, start.Value, end.Value).ToListAsync(cancellationToken);
        var feedOptions = new FeedOptions(CalendarFeed.DefaultName(therapist), workspace.TimeZone, preset, showPrivate,
            KeepCancelledUntilStart: true, SequenceOffset: 0, options.Value.PublicBaseUrl);
        var events = FeedWriter.Events(feedOptions, rows, clock.GetUtcNow(), busy);
        await audit.RecordAsync(AuditAction.Export, "Appointment", null, workspaceId, userId, new
        {
            format = "ics", start_date = start.Value, end_date = end.Value, privacy_preset = ApiNames.Of(preset),
            show_private_locations = showPrivate, appointments = events.Count,
        }, cancellationToken);

        // Named by the practice's own days (the end is exclusive: a week ends on its Sunday, not the next Monday in UTC).
        var zone = TimeZones.Find(workspace.TimeZone);
        var firstDay = TimeZoneInfo.ConvertTime(start.Value, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var lastDay = TimeZoneInfo.ConvertTime(end.Value.AddTicks(-1), zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        request.HttpContext.Response.Headers.ContentDisposition =
            $"attachment; filename=\"pazpaz-{firstDay}{(lastDay == firstDay ? "" : "-" + lastDay)}.ics\"";
        request.HttpContext.Response.Headers.CacheControl = "private, no-store";
        return Results.Text(FeedWriter.Write(feedOptions, events), FeedEndpoint.ContentType, System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> CheckConflictsAsync(HttpRequest request, ConflictChecker checker, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var start = query.Instant("scheduled_start", required: true);
        var end = query.Instant("scheduled_end", required: true);
        var exclude = query.Guid("exclude_appointment_id");
        if (query.IsValid && end <= start) return ApiResults.Validation(new Dictionary<string, string[]> { ["scheduled_end"] = ["Must be after scheduled_start."] });
        if (!query.IsValid) return query.Problem();
        var found = await checker.FindAsync(start!.Value, end!.Value, exclude, cancellationToken);
        return Results.Ok(new ConflictCheckResponse(found.Count > 0, found.Select(ToResponse).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpRequest request, PazPazDb db, ReadAudit reads, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.AsNoTracking().Include(a => a.Client).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return ApiResults.NotFound("Appointment");
        await reads.RecordAsync(nameof(Appointment), [appointment.Id], "api", cancellationToken);
        RowVersions.Stamp(request.HttpContext.Response, appointment.Version);
        return Results.Ok(ToResponse(appointment, appointment.Client));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var allowConflict = query.Bool("allow_conflict");
        if (!query.IsValid) return query.Problem();
        var input = JsonInput.Of(request);

        var clientId = input.Guid("client_id", required: true, nullable: false);
        var start = input.Instant("scheduled_start", required: true);
        var end = input.Instant("scheduled_end", required: true);
        var serviceId = input.Guid("service_id");
        var locationId = input.Guid("location_id");
        var locationType = input.Enum<LocationType>("location_type", nullable: true);
        var details = input.String("location_details", maxLength: 2000);
        var notes = input.String("notes", maxLength: 5000);
        if (input.IsValid && end <= start) input.AddError("scheduled_end", "Must be after scheduled_start.");
        if (!input.IsValid) return input.Problem();

        var result = await booking.BookAsync(new NewAppointment(clientId!.Value, start!.Value, end!.Value, serviceId, locationId, locationType,
            details, notes), allowConflict, cancellationToken);
        return await RespondAsync(result, request, db, created: true, cancellationToken);
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var allowConflict = query.Bool("allow_conflict");
        var scope = query.Enum<SeriesScope>("scope") ?? SeriesScope.This;
        if (!query.IsValid) return query.Problem();
        if (!RowVersions.TryReadIfMatch(request, out var basedOn)) return RowVersions.PreconditionFailed(request.HttpContext.Response, "appointment", null);
        var input = JsonInput.Of(request);

        var edit = new AppointmentEdit
        {
            BasedOnVersion = basedOn,
            ClientId = input.Guid("client_id", nullable: false),
            Start = input.Instant("scheduled_start"),
            End = input.Instant("scheduled_end"),
            ServiceId = input.Has("service_id") ? Optional<Guid?>.Of(input.Guid("service_id")) : default,
            LocationId = input.Has("location_id") ? Optional<Guid?>.Of(input.Guid("location_id")) : default,
            LocationType = input.Enum<LocationType>("location_type"),
            LocationDetails = input.Has("location_details") ? Optional<string?>.Of(input.String("location_details", maxLength: 2000)) : default,
            Notes = input.Has("notes") ? Optional<string?>.Of(input.String("notes", maxLength: 5000)) : default,
        };
        var status = input.Enum<AppointmentStatus>("status");
        if (input.Has("status") && input.Has("scheduled_start") | input.Has("scheduled_end") | input.Has("client_id"))
            input.AddError("status", "Change the status on its own, without other fields in the same request.");
        if (scope != SeriesScope.This && status is not (null or AppointmentStatus.Cancelled))
            input.AddError("scope", "Only a cancellation reaches more than one session; change other statuses one session at a time.");
        if (!input.IsValid) return input.Problem();
        // A status change or cancellation checks If-Match here; an edit checks it in Booking, on the row it changes.
        if (status is not null && basedOn is { } expected &&
            await db.Appointments.Where(a => a.Id == id).Select(a => (uint?)a.Version).FirstOrDefaultAsync(cancellationToken) is { } current && current != expected)
            return RowVersions.PreconditionFailed(request.HttpContext.Response, "appointment", current);

        var result = (status, scope) switch
        {
            (AppointmentStatus.Cancelled, not SeriesScope.This) => await booking.CancelSeriesAsync(id, scope, cancellationToken),
            ({ } newStatus, _) => await booking.ChangeStatusAsync(id, newStatus, allowConflict, cancellationToken),
            (null, SeriesScope.This) => await booking.EditAsync(id, edit, allowConflict, cancellationToken),
            (null, _) => await booking.EditSeriesAsync(id, edit, scope, allowConflict, cancellationToken),
        };
        return result switch
        {
            BookingResult.SeriesSaved saved => Results.Ok(await SeriesChangeAsync(saved, db, cancellationToken)),
            BookingResult.SeriesConflicted conflicted => Results.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Some sessions would overlap other appointments.", detail: "Send allow_conflict=true to change them anyway.",
                extensions: new Dictionary<string, object?> { ["clashes"] = AppointmentSeriesApi.Clashes(conflicted.Clashes) }),
            _ => await RespondAsync(result, request, db, created: false, cancellationToken),
        };
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var action = input.String("session_note_action", nullable: false, maxLength: 10);
        var reason = input.String("reason", maxLength: 500);
        if (action is not (null or "keep" or "delete")) input.AddError("session_note_action", "Must be one of: keep, delete.");
        if (!input.IsValid) return input.Problem();
        if (!RowVersions.TryReadIfMatch(request, out var expected)) return RowVersions.PreconditionFailed(request.HttpContext.Response, "appointment", null);
        if (expected is { } basedOn &&
            await db.Appointments.Where(a => a.Id == id).Select(a => (uint?)a.Version).FirstOrDefaultAsync(cancellationToken) is { } current && current != basedOn)
            return RowVersions.PreconditionFailed(request.HttpContext.Response, "appointment", current);

        var result = await booking.DeleteAsync(id, action == "delete" ? SessionNoteAction.Delete : SessionNoteAction.Keep, reason, cancellationToken);
        return result is BookingResult.Saved ? Results.NoContent() : await RespondAsync(result, request, db, created: false, cancellationToken);
    }

    private static async Task<SeriesChangeResponse> SeriesChangeAsync(BookingResult.SeriesSaved saved, PazPazDb db, CancellationToken cancellationToken)
    {
        var clientIds = saved.Sessions.Select(a => a.ClientId).Distinct().ToList();
        var clients = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        return new SeriesChangeResponse(saved.Series.Id, saved.Sessions.OrderBy(a => a.SeriesDate)
            .Select(a => ToResponse(a, clients.GetValueOrDefault(a.ClientId))).ToList());
    }

    /// <summary>The answer to a booking that saved nothing: not found or refused (a rule, naming the field).</summary>
    public static IResult Respond(BookingResult result) => result switch
    {
        BookingResult.NotFound notFound => ApiResults.NotFound(notFound.What),
        BookingResult.Refused refused => ApiResults.Validation(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] }),
        _ => throw new InvalidOperationException($"Unexpected booking result {result.GetType().Name}."),
    };

    private static async Task<IResult> RespondAsync(BookingResult result, HttpRequest request, PazPazDb db, bool created, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case BookingResult.Saved saved:
                var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == saved.Appointment.ClientId, cancellationToken);
                var body = ToResponse(saved.Appointment, client);
                RowVersions.Stamp(request.HttpContext.Response, saved.Appointment.Version);
                return created ? Results.Created($"/api/v1/appointments/{body.Id}", body) : Results.Ok(body);
            case BookingResult.Conflicted conflicted:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The time overlaps other appointments or time off.",
                    detail: "Send allow_conflict=true to book anyway.",
                    extensions: new Dictionary<string, object?> { ["conflicting_appointments"] = conflicted.Conflicts.Select(ToResponse).ToList() });
            case BookingResult.NotFound notFound:
                return ApiResults.NotFound(notFound.What);
            case BookingResult.Refused refused:
                return ApiResults.Validation(new Dictionary<string, string[]> { [refused.Field] = [refused.Message] });
            case BookingResult.Changed { OutOfDate: true } outOfDate:
                return RowVersions.PreconditionFailed(request.HttpContext.Response, "appointment", outOfDate.Current);
            case BookingResult.Changed:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: Operations.ChangedElsewhere.Title, detail: Operations.ChangedElsewhere.Detail);
            default:
                throw new InvalidOperationException($"Unexpected booking result {result.GetType().Name}.");
        }
    }

    public static ConflictResponse ToResponse(ConflictingAppointment c) => c.IsTimeOff
        ? new(c.Id, c.ScheduledStart, c.ScheduledEnd, null, null, null, "time_off", c.TimeOffLabel)
        : new(c.Id, c.ScheduledStart, c.ScheduledEnd, c.ClientInitials, ApiNames.Of(c.Status), ApiNames.Of(c.LocationType), "appointment", null);
}
