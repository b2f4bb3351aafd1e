using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Api;

/// <summary>
/// Recurring appointments: create a series, read it and its sessions. Each session is an ordinary appointment, so it is
/// edited and cancelled through /appointments/{id} with <c>scope=this|following|all</c> (see <see cref="AppointmentsApi"/>).
/// </summary>
public static class AppointmentSeriesApi
{
    public sealed record SeriesResponse(Guid Id, Guid ClientId, string Rule, DateOnly FirstDate, string StartTime, int DurationMinutes,
        int IntervalWeeks, List<string> Weekdays, DateOnly? Until, int? Count, List<AppointmentsApi.AppointmentResponse> Sessions);

    public sealed record ClashResponse(DateOnly Date, DateTimeOffset ScheduledStart, DateTimeOffset ScheduledEnd,
        List<AppointmentsApi.ConflictResponse> ConflictingAppointments);

    private static readonly string[] Fields =
    [
        "client_id", "scheduled_start", "scheduled_end", "service_id", "location_id", "location_type", "location_details", "notes",
        "interval_weeks", "weekdays", "until", "count", "skip_dates",
    ];

    public static void MapAppointmentSeriesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/appointment-series").WithTags("Appointments");
        group.MapPost("/", CreateAsync).WithName("CreateAppointmentSeries").AcceptsJson(Fields)
            .WithSummary("Books a recurring series: the first session (scheduled_start, scheduled_end) repeats every interval_weeks (default 1) on weekdays (default the first session's day), until a local date or for count sessions, at most 2 years, at the same local time in the practice's zone. 409 with clashes (each date and its conflicting appointments) unless allow_conflict=true; skip_dates (local dates) leaves those sessions out.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetAppointmentSeries")
            .WithSummary("A series: its rule and its sessions in order; the read is recorded in the audit trail.");
        group.MapGet("/{id:guid}/sessions", SessionsAsync).WithName("ListAppointmentSeriesSessions")
            .WithSummary("The sessions of a series in order (each an appointment; edit or cancel one with PUT /appointments/{id}?scope=this|following|all).");
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
        var interval = input.Int("interval_weeks") ?? 1;
        var weekdays = input.Strings("weekdays");
        var until = input.Date("until");
        var count = input.Int("count", nullable: true);
        var skip = input.Strings("skip_dates") ?? [];
        var days = new HashSet<DayOfWeek>();
        foreach (var day in weekdays ?? [])
            if (Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var d) && !int.TryParse(day, out _)) days.Add(d);
            else input.AddError("weekdays", "Each must be a weekday: sunday, monday, tuesday, wednesday, thursday, friday or saturday.");
        var skipDates = new HashSet<DateOnly>();
        foreach (var text in skip)
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) skipDates.Add(date);
            else input.AddError("skip_dates", "Each must be a date as YYYY-MM-DD.");
        if (input.IsValid && end <= start) input.AddError("scheduled_end", "Must be after scheduled_start.");
        if (!input.IsValid) return input.Problem();

        if (weekdays is null)
        {
            var zone = TimeZones.Find(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));
            days.Add(TimeZoneInfo.ConvertTime(start!.Value, zone).DayOfWeek);
        }
        var result = await booking.BookSeriesAsync(new NewSeries(new NewAppointment(clientId!.Value, start!.Value, end!.Value, serviceId, locationId,
            locationType, details, notes), interval, days, until, count), skipDates, allowConflict, cancellationToken);
        switch (result)
        {
            case BookingResult.SeriesSaved saved:
                // The caller's own booking, as sent: built from the sessions just saved (one client read, no read event),
                // as a single booking answers.
                var client = await db.Clients.AsNoTracking().FirstAsync(c => c.Id == saved.Series.ClientId, cancellationToken);
                var body = Response(saved.Series, saved.Sessions.OrderBy(a => a.SeriesDate).Select(a => AppointmentsApi.ToResponse(a, client)).ToList());
                return Results.Created($"/api/v1/appointment-series/{saved.Series.Id}", body);
            case BookingResult.SeriesConflicted conflicted:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Some sessions overlap other appointments.",
                    detail: "Send skip_dates to leave those dates out, or allow_conflict=true to book them anyway.",
                    extensions: new Dictionary<string, object?> { ["clashes"] = Clashes(conflicted.Clashes) });
            default:
                return AppointmentsApi.Respond(result);
        }
    }

    public static List<ClashResponse> Clashes(List<SeriesClash> clashes) =>
        clashes.Select(c => new ClashResponse(c.Date, c.Start, c.End, c.Conflicts.Select(AppointmentsApi.ToResponse).ToList())).ToList();

    private static async Task<IResult> GetAsync(Guid id, PazPazDb db, ReadAudit reads, CancellationToken cancellationToken)
    {
        var series = await db.AppointmentSeries.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (series is null) return ApiResults.NotFound("Appointment series");
        return Results.Ok(await ResponseAsync(db, series, reads, "api", cancellationToken));
    }

    private static async Task<IResult> SessionsAsync(Guid id, PazPazDb db, ReadAudit reads, CancellationToken cancellationToken)
    {
        if (!await db.AppointmentSeries.AnyAsync(s => s.Id == id, cancellationToken)) return ApiResults.NotFound("Appointment series");
        return Results.Ok(await SessionsOfAsync(db, id, reads, "api_list", cancellationToken));
    }

    private static async Task<SeriesResponse> ResponseAsync(PazPazDb db, AppointmentSeries series, ReadAudit reads, string via, CancellationToken cancellationToken) =>
        Response(series, await SessionsOfAsync(db, series.Id, reads, via, cancellationToken));

    private static SeriesResponse Response(AppointmentSeries series, List<AppointmentsApi.AppointmentResponse> sessions)
    {
        var rule = series.Rule;
        var weekdays = Enumerable.Range(0, 7).Select(i => (DayOfWeek)(((int)rule.WeekStart + i) % 7)).Where(rule.Weekdays.Contains)
            .Select(d => d.ToString().ToLowerInvariant()).ToList();
        return new SeriesResponse(series.Id, series.ClientId, rule.Describe(), rule.FirstDate, rule.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture),
            rule.DurationMinutes, rule.IntervalWeeks, weekdays, rule.Until, rule.Count, sessions);
    }

    /// <summary>The sessions carry the client's name and notes, like a list of appointments: one read event naming them.</summary>
    private static async Task<List<AppointmentsApi.AppointmentResponse>> SessionsOfAsync(PazPazDb db, Guid seriesId, ReadAudit reads, string via,
        CancellationToken cancellationToken)
    {
        var sessions = await db.Appointments.AsNoTracking().Include(a => a.Client).Where(a => a.SeriesId == seriesId)
            .OrderBy(a => a.SeriesDate).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        await reads.RecordAsync(nameof(Appointment), sessions.Select(a => a.Id).ToList(), via, cancellationToken);
        return sessions.Select(a => AppointmentsApi.ToResponse(a, a.Client)).ToList();
    }
}
