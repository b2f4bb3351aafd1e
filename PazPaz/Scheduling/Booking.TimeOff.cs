using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;

namespace PazPaz.Scheduling;

/// <summary>
/// When time off is: whole local days (<see cref="FirstDate"/> to <see cref="LastDate"/>, in the practice's zone) when
/// <see cref="AllDay"/>, else the instants <see cref="Start"/> to <see cref="End"/>.
/// </summary>
public sealed record TimeOffSpan(bool AllDay, DateOnly FirstDate, DateOnly LastDate, DateTimeOffset Start, DateTimeOffset End)
{
    public static TimeOffSpan Days(DateOnly first, DateOnly last) => new(true, first, last, default, default);
    public static TimeOffSpan Between(DateTimeOffset start, DateTimeOffset end) => new(false, default, default, start, end);

    /// <summary>The instants in <paramref name="zone"/>.</summary>
    public (DateTimeOffset Start, DateTimeOffset End) In(TimeZoneInfo zone) => AllDay ? TimeOff.AllDayRange(FirstDate, LastDate, zone) : (Start, End);
}

/// <summary>How time off repeats: the appointment series' rule (every N weeks on weekdays, until a date or N times).</summary>
public sealed record TimeOffRepeat(int IntervalWeeks, IReadOnlySet<DayOfWeek> Weekdays, DateOnly? Until, int? Count);

public abstract partial record BookingResult
{
    /// <summary>Time off written (or changed, or deleted): the entries it reached.</summary>
    public sealed record TimeOffSaved(List<TimeOff> Entries, TimeOffSeries? Series) : BookingResult;
}

/// <summary>
/// Time off, under the booking lock like appointments: entering (or moving) it over scheduled or completed appointments
/// warns and lists them (nothing is cancelled) unless confirmed; a repeating entry checks every occurrence in one query.
/// Booking over time off is refused by the appointments' own conflict check (<see cref="ConflictChecker"/>).
/// </summary>
public sealed partial class Booking
{
    public async Task<BookingResult> AddTimeOffAsync(string? label, TimeOffSpan span, TimeOffRepeat? repeat, bool allowConflict,
        CancellationToken cancellationToken = default)
    {
        var timeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        var zone = TimeZones.Find(timeZone);
        var (start, end) = span.In(zone);
        if (span.AllDay && span.LastDate < span.FirstDate) return new BookingResult.Refused("end_date", "The last day must not be before the first.");
        if (TimeOff.Problems(start, end, label) is { Count: > 0 } problems) return new BookingResult.Refused(problems.Keys.First(), problems.Values.First());

        var workspaceId = current.RequireWorkspaceId();
        TimeOffSeries? series = null;
        List<Occurrence> occurrences;
        if (repeat is null)
            occurrences = [new Occurrence(span.AllDay ? span.FirstDate : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime), start, end)];
        else
        {
            if (span.AllDay && span.LastDate != span.FirstDate)
                return new BookingResult.Refused("end_date", "Repeating time off lasts one day (or part of one): choose a single day.");
            var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
            var rule = new SeriesRule(span.AllDay ? span.FirstDate : DateOnly.FromDateTime(local), span.AllDay ? TimeOnly.MinValue : TimeOnly.FromDateTime(local),
                span.AllDay ? 24 * 60 : (int)Math.Round((end - start).TotalMinutes), repeat.IntervalWeeks, repeat.Weekdays,
                AppointmentSeries.WeekStartFor(timeZone), repeat.Until, repeat.Count);
            if (TimeOffSeries.Problems(rule) is { Count: > 0 } ruleProblems) return new BookingResult.Refused(ruleProblems.Keys.First(), ruleProblems.Values.First());
            series = TimeOffSeries.Create(workspaceId, rule, span.AllDay);
            occurrences = series.Occurrences(zone);
        }
        var entries = occurrences.Select(o => series is null
            ? TimeOff.Create(workspaceId, current.UserId, label, o.Start, o.End, span.AllDay)
            : series.Entry(o, current.UserId, label)).ToList();

        return await UnderLockAsync<BookingResult>(async () =>
        {
            if (!allowConflict && await TimeOffClashesAsync(occurrences, [], cancellationToken) is { Count: > 0 } clashes)
                return Clashed(series, clashes);
            if (series is not null) db.TimeOffSeries.Add(series);
            db.TimeOff.AddRange(entries);
            await db.SaveChangesAsync(cancellationToken);
            return new BookingResult.TimeOffSaved(entries, series);
        }, IsTimeOffSaved, cancellationToken);
    }

    /// <summary>
    /// Changes an entry's label and time. "This" changes it alone (a later series edit leaves it as it is); "following" and
    /// "all" change the entries of its series still to come (from this one on, or all), each moved by the same number of days
    /// to the new local time and length, or to whole days; "following" from a later entry splits the series there.
    /// </summary>
    public async Task<BookingResult> ChangeTimeOffAsync(Guid id, string? label, TimeOffSpan span, SeriesScope scope, bool allowConflict,
        CancellationToken cancellationToken = default)
    {
        var anchor = await db.TimeOff.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (anchor is null) return new BookingResult.NotFound("Time off");
        var zone = TimeZones.Find(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));
        var (start, end) = span.In(zone);
        if (span.AllDay && span.LastDate < span.FirstDate) return new BookingResult.Refused("end_date", "The last day must not be before the first.");
        if (TimeOff.Problems(start, end, label) is { Count: > 0 } problems) return new BookingResult.Refused(problems.Keys.First(), problems.Values.First());
        if (scope != SeriesScope.This && anchor.SeriesId is null) scope = SeriesScope.This;

        return await UnderLockAsync<BookingResult>(async () =>
        {
            if (scope == SeriesScope.This)
            {
                var moved = start != anchor.StartsAt || end != anchor.EndsAt;
                if (moved && !allowConflict &&
                    await conflicts.FindAsync(start, end, null, cancellationToken, Blockers.Appointments) is { Count: > 0 } found)
                    return new BookingResult.Conflicted(found);
                if (anchor.Change(label, start, end, span.AllDay)) anchor.MarkChangedOnItsOwn();
                await db.SaveChangesAsync(cancellationToken);
                return new BookingResult.TimeOffSaved([anchor], null);
            }

            if (span.AllDay && span.LastDate != span.FirstDate)
                return new BookingResult.Refused("end_date", "Repeating time off lasts one day (or part of one): choose a single day.");
            var series = await db.TimeOffSeries.FirstAsync(s => s.Id == anchor.SeriesId, cancellationToken);
            var all = await db.TimeOff.Where(t => t.SeriesId == series.Id).OrderBy(t => t.SeriesDate).ToListAsync(cancellationToken);
            var anchorDate = anchor.SeriesDate!.Value;
            var now = clock.GetUtcNow();
            var targets = all.Where(t => (scope == SeriesScope.All || t.SeriesDate >= anchorDate) && t.EndsAt > now && (!t.ChangedOnItsOwn || t.Id == anchor.Id)).ToList();
            if (targets.Count == 0) return new BookingResult.Refused("scope", "No time off of this series in that range is still to come: there is nothing to change.");

            var newLocal = TimeZoneInfo.ConvertTime(start, zone).DateTime;
            var shift = (span.AllDay ? span.FirstDate : DateOnly.FromDateTime(newLocal)).DayNumber - anchorDate.DayNumber;
            var (newTime, minutes) = (span.AllDay ? TimeOnly.MinValue : TimeOnly.FromDateTime(newLocal), span.AllDay ? 24 * 60 : (int)Math.Round((end - start).TotalMinutes));
            var plan = targets.Select(t =>
            {
                var date = t.SeriesDate!.Value.AddDays(shift);
                var (s, e) = span.AllDay ? TimeOff.AllDayRange(date, date, zone) : (TimeZones.ToUtc(date.ToDateTime(newTime), zone), default(DateTimeOffset));
                return (Entry: t, Occurrence: new Occurrence(date, s, span.AllDay ? e : s.AddMinutes(minutes)));
            }).ToList();
            var moves = plan.Any(p => p.Occurrence.Start != p.Entry.StartsAt || p.Occurrence.End != p.Entry.EndsAt);
            if (moves && !allowConflict && await TimeOffClashesAsync(plan.Select(p => p.Occurrence).ToList(), [], cancellationToken) is { Count: > 0 } clashes)
            {
                db.ChangeTracker.Clear();
                return new BookingResult.SeriesConflicted(clashes);
            }

            var rule = AppointmentSeries.Shifted(series.Rule, shift, newTime, minutes);
            var owner = series;
            if (moves && scope == SeriesScope.Following && all.Any(t => t.SeriesDate < anchorDate))
            {
                var reach = all.Where(t => t.SeriesDate >= anchorDate).ToList();
                owner = series.SplitOff(rule with { FirstDate = anchorDate.AddDays(shift), Until = reach.Max(t => t.SeriesDate!.Value).AddDays(shift), Count = null },
                    span.AllDay);
                db.TimeOffSeries.Add(owner);
                series.EndBefore(anchorDate);
                foreach (var entry in reach) entry.MoveToSeries(owner.Id);
            }
            else if (moves) series.Reshape(rule, span.AllDay);
            foreach (var (entry, occurrence) in plan)
            {
                entry.Change(label, occurrence.Start, occurrence.End, span.AllDay);
                entry.PlaceInSeries(owner.Id, occurrence.Date);
            }
            await db.SaveChangesAsync(cancellationToken);
            return new BookingResult.TimeOffSaved(targets, owner);
        }, IsTimeOffSaved, cancellationToken);
    }

    /// <summary>
    /// Deletes an entry: "this" alone, "following" this one and the later ones of its series (which then ends before it),
    /// "all" every entry of the series. Nothing to re-check: freeing time cannot clash.
    /// </summary>
    public async Task<BookingResult> DeleteTimeOffAsync(Guid id, SeriesScope scope, CancellationToken cancellationToken = default)
    {
        var anchor = await db.TimeOff.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (anchor is null) return new BookingResult.NotFound("Time off");
        var now = clock.GetUtcNow();
        if (anchor.SeriesId is not { } seriesId || scope == SeriesScope.This)
        {
            anchor.Delete(now);
            await db.SaveChangesAsync(cancellationToken);
            return new BookingResult.TimeOffSaved([anchor], null);
        }
        var series = await db.TimeOffSeries.FirstAsync(s => s.Id == seriesId, cancellationToken);
        var all = await db.TimeOff.Where(t => t.SeriesId == seriesId).ToListAsync(cancellationToken);
        var targets = all.Where(t => scope == SeriesScope.All || t.SeriesDate >= anchor.SeriesDate).ToList();
        foreach (var entry in targets) entry.Delete(now);
        if (targets.Count < all.Count) series.EndBefore(anchor.SeriesDate!.Value);
        await db.SaveChangesAsync(cancellationToken);
        return new BookingResult.TimeOffSaved(targets, series);
    }

    private static bool IsTimeOffSaved(BookingResult result) => result is BookingResult.TimeOffSaved;

    /// <summary>Scheduled or completed appointments in the way of each occurrence, in one query (time off over time off is no clash).</summary>
    private async Task<List<SeriesClash>> TimeOffClashesAsync(List<Occurrence> occurrences, List<Guid> exclude, CancellationToken cancellationToken)
    {
        var found = await conflicts.FindEachAsync(occurrences.Select(o => (o.Start, o.End)).ToList(), exclude, Blockers.Appointments, cancellationToken);
        return found.OrderBy(f => f.Key).Select(f => new SeriesClash(occurrences[f.Key].Date, occurrences[f.Key].Start, occurrences[f.Key].End, f.Value)).ToList();
    }

    /// <summary>A single entry's clash is a plain conflict; a repeating one's lists the dates.</summary>
    private static BookingResult Clashed(TimeOffSeries? series, List<SeriesClash> clashes) =>
        series is null ? new BookingResult.Conflicted(clashes[0].Conflicts) : new BookingResult.SeriesConflicted(clashes);
}
