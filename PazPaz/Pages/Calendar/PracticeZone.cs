using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Calendar;

/// <summary>
/// The workspace's wall clock: calendar days, form fields and labels are read in its zone, stored in UTC.
/// Days are computed with <see cref="TimeZones.ToUtc"/>, so a DST day has its 23 or 25 hours.
/// </summary>
public sealed class PracticeZone(string id)
{
    public static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public string Id { get; } = id;
    public TimeZoneInfo Zone { get; } = TimeZones.Find(id);

    public static async Task<PracticeZone> LoadAsync(PazPazDb db, CancellationToken cancellationToken) =>
        new(await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken));

    /// <summary>The zone and <paramref name="userId"/>'s working week, in one round trip.</summary>
    public static async Task<(PracticeZone Zone, WorkingWeek Week)> LoadWithWeekAsync(PazPazDb db, Guid? userId, CancellationToken cancellationToken)
    {
        var row = await db.Workspaces.Select(w => new { w.TimeZone, Hours = db.Users.Where(u => u.Id == userId).Select(u => u.WorkingHours).FirstOrDefault() })
            .SingleAsync(cancellationToken);
        return (new PracticeZone(row.TimeZone), WorkingWeek.For(row.Hours, row.TimeZone));
    }

    public DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    public DateTimeOffset ToUtc(DateTime local) => TimeZones.ToUtc(local, Zone);

    /// <summary>A wall-clock time as it happens: one inside a spring-forward gap becomes the first valid minute after it.</summary>
    public DateTime Existing(DateTime local) => ToLocal(ToUtc(local));

    /// <summary>
    /// An hour after <paramref name="local"/> on the wall clock; when that falls in a spring-forward gap, an hour of real time
    /// (01:45 → 03:45), so a default end is never read as a shorter appointment.
    /// </summary>
    public DateTime HourAfter(DateTime local)
    {
        var end = local.AddHours(1);
        return Zone.IsInvalidTime(end) ? ToLocal(ToUtc(local).AddHours(1)) : end;
    }

    public DateTimeOffset StartOf(DateOnly day) => ToUtc(day.ToDateTime(TimeOnly.MinValue));

    public DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(ToLocal(clock.GetUtcNow()));

    /// <summary>"10:00–11:00" in the practice's zone.</summary>
    public string Span(DateTimeOffset start, DateTimeOffset end) => $"{Time(start)}–{Time(end)}";

    /// <summary>"all day" for whole local days (time off from midnight to midnight), the <see cref="Span"/> otherwise.</summary>
    public string SpanOrAllDay(DateTimeOffset start, DateTimeOffset end) =>
        Time(start) == "00:00" && Time(end) == "00:00" && end > start ? "all day" : Span(start, end);

    public string Time(DateTimeOffset instant) => ToLocal(instant).ToString("HH:mm", Culture);

    /// <summary>"Tue 10 Mar, 10:00–11:00"</summary>
    public string DaySpan(DateTimeOffset start, DateTimeOffset end) => $"{ToLocal(start).ToString("ddd d MMM", Culture)}, {Span(start, end)}";

    /// <summary>Reads "2026-03-10T10:15" (what the calendar's slots, drag and drop send) as a wall-clock time.</summary>
    public static bool TryParseLocal(string? value, out DateTime local) =>
        DateTime.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], Culture, DateTimeStyles.None, out local);

    public static string FormatLocal(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm", Culture);
}
