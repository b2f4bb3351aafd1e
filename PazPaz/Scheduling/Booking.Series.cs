using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Notifications;

namespace PazPaz.Scheduling;

/// <summary>A series to book: its first session as a single booking, and how it repeats (until a date or for N sessions).</summary>
public sealed record NewSeries(NewAppointment First, int IntervalWeeks, IReadOnlySet<DayOfWeek> Weekdays, DateOnly? Until, int? Count);

/// <summary>A session of a series that overlaps other appointments (client initials only).</summary>
public sealed record SeriesClash(DateOnly Date, DateTimeOffset Start, DateTimeOffset End, List<ConflictingAppointment> Conflicts);

/// <summary>
/// Recurring appointments, under the same lock and conflict rules as single bookings. Every session is checked in one
/// query over the series' span before anything is saved; a series change is one e-mail, not one per session.
/// Scoped edits and cancellations rewrite only sessions still to come that are scheduled: past, completed, cancelled
/// and no-show sessions are never rewritten, and a session changed on its own is left out of later series edits
/// (a cancellation of the series cancels it too: the client stopped coming).
/// </summary>
public sealed partial class Booking
{
    public async Task<BookingResult> BookSeriesAsync(NewSeries input, IReadOnlySet<DateOnly> skip, bool allowConflict,
        CancellationToken cancellationToken = default)
    {
        var first = input.First;
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == first.ClientId, cancellationToken);
        if (client is null) return new BookingResult.NotFound("Client");
        if (!client.IsActive) return new BookingResult.Refused("client_id", "This client is archived; restore them before booking.");
        if (await CheckReferencesAsync(first.ServiceId, first.LocationId, cancellationToken) is { } refused) return refused;
        var location = first.LocationId is { } locationId ? await db.Locations.FirstAsync(l => l.Id == locationId, cancellationToken) : null;
        try { Appointment.CheckTimes(first.Start, first.End); }
        catch (DomainException e) { return new BookingResult.Refused("scheduled_end", e.Message); }

        var timeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        var zone = TimeZones.Find(timeZone);
        var local = TimeZoneInfo.ConvertTime(first.Start, zone).DateTime;
        var rule = new SeriesRule(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), (int)Math.Round((first.End - first.Start).TotalMinutes),
            input.IntervalWeeks, input.Weekdays, AppointmentSeries.WeekStartFor(timeZone), input.Until, input.Count);
        if (rule.Problems() is { Count: > 0 } problems) return new BookingResult.Refused(problems.Keys.First(), problems.Values.First());
        var occurrences = rule.Occurrences(zone).Where(o => !skip.Contains(o.Date)).ToList();
        if (occurrences.Count == 0) return new BookingResult.Refused("skip_dates", "Every session was skipped: there is nothing to book.");

        var series = AppointmentSeries.Create(current.RequireWorkspaceId(), client.Id, rule);
        var sessions = occurrences.Select(o => series.Session(o, first.LocationType ?? location?.LocationType ?? LocationType.Clinic,
            first.ServiceId, first.LocationId, first.LocationDetails ?? location?.Details, first.Notes)).ToList();

        return await UnderLockAsync(async () =>
        {
            if (!allowConflict && await ClashesAsync(occurrences, [], cancellationToken) is { Count: > 0 } clashes)
                return new BookingResult.SeriesConflicted(clashes);
            db.AppointmentSeries.Add(series);
            db.Appointments.AddRange(sessions);
            await db.SaveChangesAsync(cancellationToken);
            await events.RecordSeriesAsync(sessions[0], series.Id, NotificationKinds.Booked, sessions.Count, cancellationToken);
            return new BookingResult.SeriesSaved(series, sessions);
        }, cancellationToken);
    }

    /// <summary>
    /// Edits a session with a scope. "This" is a single edit (the session is then changed on its own). "Following" and
    /// "all" apply the change to the scheduled sessions still to come: a new time moves each by the same number of days to
    /// the new local time and length (10:00 stays the chosen wall-clock time across DST). "Following" with a new time or client
    /// from a session other than the first splits the series there: the earlier part ends, the rest becomes a new series.
    /// </summary>
    public async Task<BookingResult> EditSeriesAsync(Guid id, AppointmentEdit edit, SeriesScope scope, bool allowConflict,
        CancellationToken cancellationToken = default)
    {
        if (scope == SeriesScope.This) return await EditAsync(id, edit, allowConflict, cancellationToken);
        var anchor = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (anchor is null) return new BookingResult.NotFound("Appointment");
        if (edit.BasedOnVersion is { } basedOn && basedOn != anchor.Version) return new BookingResult.Changed(OutOfDate: true, anchor.Version);
        if (anchor.SeriesId is not { } seriesId || anchor.SeriesDate is not { } anchorDate) return NotInSeries;
        if (edit.ClientId is { } clientId && clientId != anchor.ClientId)
        {
            var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
            if (client is null) return new BookingResult.NotFound("Client");
            if (!client.IsActive) return new BookingResult.Refused("client_id", "This client is archived; restore them before booking.");
        }
        if (await CheckReferencesAsync(edit.ServiceId.IsSet ? edit.ServiceId.Value : null, edit.LocationId.IsSet ? edit.LocationId.Value : null,
                cancellationToken) is { } refused) return refused;

        var newStart = (edit.Start ?? anchor.ScheduledStart).ToUniversalTime();
        var newEnd = (edit.End ?? anchor.ScheduledEnd).ToUniversalTime();
        try { Appointment.CheckTimes(newStart, newEnd); }
        catch (DomainException e) { return new BookingResult.Refused("scheduled_end", e.Message); }
        var timeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        var zone = TimeZones.Find(timeZone);
        // Only a new time moves the sessions: the form sends the anchor's time back unchanged with every other edit.
        var moves = newStart != anchor.ScheduledStart || newEnd != anchor.ScheduledEnd;
        var newLocal = TimeZoneInfo.ConvertTime(newStart, zone).DateTime;
        var shift = DateOnly.FromDateTime(newLocal).DayNumber - anchorDate.DayNumber;
        var (newTime, minutes) = (TimeOnly.FromDateTime(newLocal), (int)Math.Round((newEnd - newStart).TotalMinutes));
        var fields = edit with { Start = null, End = null };

        return await UnderLockAsync(async () =>
        {
            var now = clock.GetUtcNow();
            var series = await db.AppointmentSeries.FirstAsync(s => s.Id == seriesId, cancellationToken);
            var sessions = await db.Appointments.Where(a => a.SeriesId == seriesId).OrderBy(a => a.SeriesDate).ToListAsync(cancellationToken);
            var reach = sessions.Where(a => scope == SeriesScope.All || a.SeriesDate >= anchorDate).ToList();
            var targets = reach.Where(a => a.Status == AppointmentStatus.Scheduled && a.ScheduledStart > now && (!a.ChangedOnItsOwn || a.Id == anchor.Id)).ToList();
            if (targets.Count == 0) return NothingToCome;

            var plan = targets.Select(t =>
            {
                if (!moves) return (Session: t, Occurrence: new Occurrence(t.SeriesDate!.Value, t.ScheduledStart, t.ScheduledEnd));
                var date = t.SeriesDate!.Value.AddDays(shift);
                var start = TimeZones.ToUtc(date.ToDateTime(newTime), zone);
                return (Session: t, Occurrence: new Occurrence(date, start, start.AddMinutes(minutes)));
            }).ToList();
            if (moves && !allowConflict &&
                await ClashesAsync(plan.Select(p => p.Occurrence).ToList(), targets.Select(t => t.Id).ToList(), cancellationToken) is { Count: > 0 } clashes)
            {
                db.ChangeTracker.Clear();
                return new BookingResult.SeriesConflicted(clashes);
            }

            var rule = moves ? AppointmentSeries.Shifted(series.Rule, shift, newTime, minutes) : series.Rule;
            var owner = series;
            // Only a new time or client splits: the earlier sessions keep the rule and client they were booked with.
            var newClient = edit.ClientId is { } c && c != series.ClientId;
            var splits = (moves || newClient) && scope == SeriesScope.Following && sessions.Any(a => a.SeriesDate < anchorDate);
            if (splits)
            {
                var lastDate = reach.Max(a => a.SeriesDate!.Value).AddDays(moves ? shift : 0);
                owner = series.SplitOff(rule with { FirstDate = anchorDate.AddDays(moves ? shift : 0), Until = lastDate, Count = null },
                    edit.ClientId ?? series.ClientId);
                db.AppointmentSeries.Add(owner);
                series.EndBefore(anchorDate);
                foreach (var session in reach) session.MoveToSeries(owner.Id);
            }
            else if (scope == SeriesScope.All || !sessions.Any(a => a.SeriesDate < anchorDate))
            {
                series.Reshape(rule);
                if (newClient) series.ChangeClient(edit.ClientId!.Value);
            }
            foreach (var (session, occurrence) in plan)
            {
                session.Edit(fields with { Start = occurrence.Start, End = occurrence.End }, now);
                session.PlaceInSeries(owner.Id, occurrence.Date);
            }
            await db.SaveChangesAsync(cancellationToken);
            if (moves) await events.RecordSeriesAsync(plan[0].Session, owner.Id, NotificationKinds.Rescheduled, plan.Count, cancellationToken);
            return new BookingResult.SeriesSaved(owner, targets);
        }, cancellationToken);
    }

    /// <summary>
    /// Cancels a session with a scope: "this" as a single cancellation; "following" and "all" cancel the series' scheduled
    /// sessions still to come (from this one on, or all of them). "Following" also ends the series' rule before this session.
    /// </summary>
    public async Task<BookingResult> CancelSeriesAsync(Guid id, SeriesScope scope, CancellationToken cancellationToken = default)
    {
        if (scope == SeriesScope.This) return await ChangeStatusAsync(id, AppointmentStatus.Cancelled, allowConflict: false, cancellationToken);
        var anchor = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (anchor is null) return new BookingResult.NotFound("Appointment");
        if (anchor.SeriesId is not { } seriesId || anchor.SeriesDate is not { } anchorDate) return NotInSeries;

        return await UnderLockAsync(async () =>
        {
            var now = clock.GetUtcNow();
            var series = await db.AppointmentSeries.FirstAsync(s => s.Id == seriesId, cancellationToken);
            var sessions = await db.Appointments.Where(a => a.SeriesId == seriesId).OrderBy(a => a.SeriesDate).ToListAsync(cancellationToken);
            var targets = sessions.Where(a => (scope == SeriesScope.All || a.SeriesDate >= anchorDate)
                                              && a.Status == AppointmentStatus.Scheduled && a.ScheduledStart > now).ToList();
            if (targets.Count == 0) return NothingToCome;
            foreach (var session in targets) session.ChangeStatus(AppointmentStatus.Cancelled, hasSessionNote: false, now);
            if (scope == SeriesScope.Following && sessions.Any(a => a.SeriesDate < anchorDate)) series.EndBefore(anchorDate);
            await db.SaveChangesAsync(cancellationToken);
            await events.RecordSeriesAsync(targets[0], seriesId, NotificationKinds.Cancelled, targets.Count, cancellationToken);
            return new BookingResult.SeriesSaved(series, targets);
        }, cancellationToken);
    }

    private static readonly BookingResult NotInSeries =
        new BookingResult.Refused("scope", "This appointment is not part of a series: change it on its own.");

    private static readonly BookingResult NothingToCome =
        new BookingResult.Refused("scope", "No session of this series in that range is still to come and scheduled: there is nothing to change.");

    /// <summary>
    /// The sessions that overlap scheduled or completed appointments or time off (§4's rule: a.start &lt; b.end and a.end &gt;
    /// b.start), in ONE query for the whole series, not one per session (<see cref="ConflictChecker.FindEachAsync"/>).
    /// </summary>
    private async Task<List<SeriesClash>> ClashesAsync(List<Occurrence> occurrences, List<Guid> exclude, CancellationToken cancellationToken)
    {
        var found = await conflicts.FindEachAsync(occurrences.Select(o => (o.Start, o.End)).ToList(), exclude, Blockers.Both, cancellationToken);
        return found.OrderBy(f => f.Key).Select(f =>
        {
            var occurrence = occurrences[f.Key];
            return new SeriesClash(occurrence.Date, occurrence.Start, occurrence.End, f.Value);
        }).ToList();
    }
}

/// <summary>Where a session stands in its series: "Every Tuesday · 5 of 12".</summary>
public sealed record SeriesPlace(Guid SeriesId, string Rule, int Number, int Total)
{
    public override string ToString() => $"{Rule} · {Number} of {Total}";

    /// <summary>The session's place among its series' sessions (cancelled ones count; deleted ones do not), or null.</summary>
    public static async Task<SeriesPlace?> OfAsync(Data.PazPazDb db, Appointment appointment, CancellationToken cancellationToken)
    {
        if (appointment.SeriesId is not { } seriesId) return null;
        var series = await db.AppointmentSeries.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seriesId, cancellationToken);
        if (series is null) return null;
        var dates = await db.Appointments.Where(a => a.SeriesId == seriesId).OrderBy(a => a.SeriesDate).ThenBy(a => a.Id)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        return new SeriesPlace(seriesId, series.Rule.Describe(), dates.IndexOf(appointment.Id) + 1, dates.Count);
    }
}
