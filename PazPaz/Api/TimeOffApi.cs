using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Api;

/// <summary>
/// Time off (blocked time): list a range, add (optionally repeating, on the appointment series' rule), change and delete
/// with scope=this|following|all for a repeating entry. Adding or moving it over appointments answers 409 listing them
/// unless allow_conflict=true; nothing is cancelled. Booking an appointment over time off gets the appointments' own 409.
/// </summary>
public static class TimeOffApi
{
    public sealed record TimeOffResponse(Guid Id, string? Label, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool AllDay,
        DateOnly? StartDate, DateOnly? EndDate, Guid? SeriesId, DateOnly? SeriesDate, string? Repeats, Guid? CreatedByUserId,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static readonly string[] Fields =
        ["label", "all_day", "starts_at", "ends_at", "start_date", "end_date", "interval_weeks", "weekdays", "until", "count"];

    public static void MapTimeOffApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/time-off").WithTags("Time off");
        group.MapGet("/", ListAsync).WithName("ListTimeOff")
            .WithSummary("Time off overlapping start_date..end_date (instants, both required, at most 2 years apart), in start order.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetTimeOff").WithSummary("One time off entry.");
        group.MapPost("/", CreateAsync).WithName("CreateTimeOff").AcceptsJson(Fields)
            .WithSummary("Adds time off: starts_at/ends_at (instants), or all_day=true with start_date/end_date (the practice's local dates; end_date defaults to start_date); an optional label (the practice's own, never in feeds). To repeat, send weekdays (and interval_weeks, default 1) with until or count, as appointment series. 409 with the clashing appointments unless allow_conflict=true.");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateTimeOff").AcceptsJson(Fields[..6])
            .WithSummary("Changes the label and time (fields not sent keep their value); scope=this (default), following or all for a repeating entry. 409 when the new time overlaps appointments unless allow_conflict=true.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteTimeOff")
            .WithSummary("Deletes time off; scope=this (default), following or all for a repeating entry.");
    }

    private static async Task<IResult> ListAsync(HttpRequest request, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var start = query.Instant("start_date", required: true);
        var end = query.Instant("end_date", required: true);
        if (query.IsValid && (end <= start || end - start > TimeSpan.FromDays(732)))
            query.Errors["end_date"] = ["Must be after start_date, at most 2 years later."];
        if (!query.IsValid) return query.Problem();
        var zone = await ZoneAsync(db, cancellationToken);
        var entries = await db.TimeOff.AsNoTracking().Overlapping(start!.Value, end!.Value).OrderBy(t => t.StartsAt).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        var rules = await RulesAsync(db, entries, cancellationToken);
        return Results.Ok(entries.Select(t => ToResponse(t, zone, rules)).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, PazPazDb db, CancellationToken cancellationToken)
    {
        var entry = await db.TimeOff.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (entry is null) return ApiResults.NotFound("Time off");
        return Results.Ok(ToResponse(entry, await ZoneAsync(db, cancellationToken), await RulesAsync(db, [entry], cancellationToken)));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var allowConflict = query.Bool("allow_conflict");
        if (!query.IsValid) return query.Problem();
        var input = JsonInput.Of(request);
        var label = input.String("label", maxLength: TimeOff.MaxLabelLength);
        var span = ReadSpan(input, existing: null);
        var weekdays = input.Strings("weekdays");
        var interval = input.Int("interval_weeks");
        var until = input.Date("until");
        var count = input.Int("count", nullable: true);
        var days = Weekdays(input, weekdays);
        if (weekdays is null && (interval is not null || until is not null || count is not null))
            input.AddError("weekdays", "Send the weekdays it repeats on (e.g. [\"friday\"]).");
        if (!input.IsValid) return input.Problem();

        var repeat = weekdays is null ? null : new TimeOffRepeat(interval ?? 1, days, until, count);
        return await RespondAsync(await booking.AddTimeOffAsync(label, span!, repeat, allowConflict, cancellationToken), db, created: true, cancellationToken);
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var allowConflict = query.Bool("allow_conflict");
        var scope = query.Enum<SeriesScope>("scope") ?? SeriesScope.This;
        if (!query.IsValid) return query.Problem();
        var entry = await db.TimeOff.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (entry is null) return ApiResults.NotFound("Time off");
        var input = JsonInput.Of(request);
        var label = input.Has("label") ? input.String("label", maxLength: TimeOff.MaxLabelLength) : entry.Label;
        var span = ReadSpan(input, (entry, await ZoneAsync(db, cancellationToken)));
        if (!input.IsValid) return input.Problem();
        return await RespondAsync(await booking.ChangeTimeOffAsync(id, label, span!, scope, allowConflict, cancellationToken), db, created: false, cancellationToken);
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpRequest request, Booking booking, PazPazDb db, CancellationToken cancellationToken)
    {
        var query = new QueryInput(request.Query);
        var scope = query.Enum<SeriesScope>("scope") ?? SeriesScope.This;
        if (!query.IsValid) return query.Problem();
        var result = await booking.DeleteTimeOffAsync(id, scope, cancellationToken);
        return result is BookingResult.TimeOffSaved ? Results.NoContent() : await RespondAsync(result, db, created: false, cancellationToken);
    }

    /// <summary>The span sent (or, for an update, the entry's own for what was not sent).</summary>
    private static TimeOffSpan? ReadSpan(JsonInput input, (TimeOff Entry, TimeZoneInfo Zone)? existing)
    {
        var current = existing?.Entry;
        var allDay = input.Bool("all_day") ?? current?.AllDay ?? false;
        if (allDay)
        {
            var dates = current?.LocalDates(existing!.Value.Zone);
            var first = input.Date("start_date", required: current is null, nullable: false) ?? dates?.First;
            var last = input.Date("end_date", nullable: false) ?? (input.Has("start_date") ? first : dates?.Last ?? first);
            if (input.Has("starts_at") || input.Has("ends_at")) input.AddError("all_day", "An all-day entry takes start_date and end_date, not starts_at and ends_at.");
            return first is { } f && last is { } l ? TimeOffSpan.Days(f, l) : null;
        }
        var start = input.Instant("starts_at", required: current is null) ?? current?.StartsAt;
        var end = input.Instant("ends_at", required: current is null) ?? current?.EndsAt;
        if (input.Has("start_date") || input.Has("end_date")) input.AddError("all_day", "start_date and end_date are for all-day entries (all_day=true).");
        if (input.IsValid && end <= start) input.AddError("ends_at", "Must be after starts_at.");
        return start is { } s && end is { } e ? TimeOffSpan.Between(s, e) : null;
    }

    private static HashSet<DayOfWeek> Weekdays(JsonInput input, List<string>? weekdays)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var day in weekdays ?? [])
            if (Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var d) && !int.TryParse(day, out _)) days.Add(d);
            else input.AddError("weekdays", "Each must be a weekday: sunday, monday, tuesday, wednesday, thursday, friday or saturday.");
        return days;
    }

    private static async Task<IResult> RespondAsync(BookingResult result, PazPazDb db, bool created, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case BookingResult.TimeOffSaved saved:
                var zone = await ZoneAsync(db, cancellationToken);
                var rules = saved.Series is { } s ? new Dictionary<Guid, string> { [s.Id] = s.Rule.Describe() } : await RulesAsync(db, saved.Entries, cancellationToken);
                var body = saved.Entries.OrderBy(t => t.StartsAt).Select(t => ToResponse(t, zone, rules)).ToList();
                if (!created) return Results.Ok(body.Count == 1 ? body[0] : body);
                return Results.Created($"/api/v1/time-off/{body[0].Id}", body.Count == 1 ? body[0] : body);
            case BookingResult.Conflicted conflicted:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The time off overlaps appointments.",
                    detail: "Nothing is cancelled: move or cancel them, or send allow_conflict=true to add the time off anyway.",
                    extensions: new Dictionary<string, object?> { ["conflicting_appointments"] = conflicted.Conflicts.Select(AppointmentsApi.ToResponse).ToList() });
            case BookingResult.SeriesConflicted conflicted:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Some of the time off overlaps appointments.",
                    detail: "Nothing is cancelled: move or cancel them, or send allow_conflict=true to add the time off anyway.",
                    extensions: new Dictionary<string, object?> { ["clashes"] = AppointmentSeriesApi.Clashes(conflicted.Clashes) });
            default:
                return AppointmentsApi.Respond(result);
        }
    }

    private static async Task<TimeZoneInfo> ZoneAsync(PazPazDb db, CancellationToken cancellationToken) =>
        TimeZones.Find(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));

    private static async Task<Dictionary<Guid, string>> RulesAsync(PazPazDb db, List<TimeOff> entries, CancellationToken cancellationToken)
    {
        var ids = entries.Where(t => t.SeriesId is not null).Select(t => t.SeriesId!.Value).Distinct().ToList();
        if (ids.Count == 0) return [];
        var series = await db.TimeOffSeries.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
        return series.ToDictionary(s => s.Id, s => s.Rule.Describe());
    }

    private static TimeOffResponse ToResponse(TimeOff t, TimeZoneInfo zone, Dictionary<Guid, string> rules)
    {
        var dates = t.AllDay ? t.LocalDates(zone) : ((DateOnly, DateOnly)?)null;
        return new TimeOffResponse(t.Id, t.Label, t.StartsAt, t.EndsAt, t.AllDay, dates?.Item1, dates?.Item2, t.SeriesId, t.SeriesDate,
            t.SeriesId is { } s ? rules.GetValueOrDefault(s) : null, t.CreatedByUserId, t.CreatedAt, t.UpdatedAt);
    }
}
