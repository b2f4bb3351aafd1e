using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Calendar;

/// <summary>The week at a glance in the workspace's zone (the full calendar comes with its own issue).</summary>
public sealed class IndexModel(PazPazDb db, TimeProvider clock) : PageModel
{
    public sealed record Entry(DateTime Start, DateTime End, string ClientName, string? ServiceName, AppointmentStatus Status);
    public sealed record Day(DateOnly Date, List<Entry> Appointments);

    public string TimeZone { get; private set; } = "";
    public DateOnly Today { get; private set; }
    public DateOnly WeekStart { get; private set; }
    public List<Day> Days { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        TimeZone = workspace.TimeZone;
        var zone = TimeZones.Find(workspace.TimeZone);
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        WeekStart = Today.AddDays(-(int)Today.DayOfWeek);
        var from = ZonedStart(WeekStart, zone);
        var to = ZonedStart(WeekStart.AddDays(7), zone);

        var appointments = await db.Appointments
            .Where(a => a.ScheduledStart < to && a.ScheduledEnd > from && a.Status != AppointmentStatus.Cancelled)
            .OrderBy(a => a.ScheduledStart)
            .Select(a => new { a.ScheduledStart, a.ScheduledEnd, a.Client!.FirstName, a.Client.LastName, ServiceName = a.Service!.Name, a.Status })
            .ToListAsync(cancellationToken);

        Days = Enumerable.Range(0, 7).Select(i => new Day(WeekStart.AddDays(i), [])).ToList();
        foreach (var a in appointments)
        {
            var start = TimeZoneInfo.ConvertTime(a.ScheduledStart, zone).DateTime;
            var day = Days.FirstOrDefault(d => d.Date == DateOnly.FromDateTime(start));
            day?.Appointments.Add(new Entry(start, TimeZoneInfo.ConvertTime(a.ScheduledEnd, zone).DateTime, $"{a.FirstName} {a.LastName}", a.ServiceName, a.Status));
        }
    }

    private static DateTimeOffset ZonedStart(DateOnly date, TimeZoneInfo zone) => TimeZones.ToUtc(date.ToDateTime(TimeOnly.MinValue), zone);
}
