using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Settings;

/// <summary>
/// Settings → Time off: the practice's time off still to come (a repeating one once, with its rule and next date), "Add
/// time off" (the calendar's form, as a page) and delete (a repeating one: all of it still to come). Scheduling, not the
/// clinical record: owners and assistants alike (assistants book, so they manage what blocks booking).
/// </summary>
public sealed class TimeOffListModel(PazPazDb db, Booking booking, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, string Label, string When, string? Repeats, int Upcoming);

    public List<Row> Rows { get; private set; } = [];
    public string TimeZone { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var zone = await PracticeZone.LoadAsync(db, cancellationToken);
        TimeZone = zone.Id.Replace('_', ' ');
        var now = clock.GetUtcNow();
        var entries = await db.TimeOff.AsNoTracking().Where(t => t.EndsAt > now).OrderBy(t => t.StartsAt).Take(2000).ToListAsync(cancellationToken);
        var seriesIds = entries.Where(t => t.SeriesId != null).Select(t => t.SeriesId!.Value).Distinct().ToList();
        var rules = await db.TimeOffSeries.AsNoTracking().Where(s => seriesIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Rule.Describe(), cancellationToken);
        var c = PracticeZone.Culture;
        string When(TimeOff t)
        {
            var (first, last) = t.LocalDates(zone.Zone);
            if (t.AllDay) return first == last ? first.ToString("ddd d MMM yyyy", c) : $"{first.ToString("d MMM", c)} – {last.ToString("d MMM yyyy", c)}";
            return zone.DaySpan(t.StartsAt, t.EndsAt);
        }
        // A repeating entry is listed once, at its next date, with how many are still to come.
        Rows = entries.GroupBy(t => t.SeriesId ?? t.Id).Select(g =>
        {
            var next = g.First();
            return new Row(next.Id, next.DisplayLabel, When(next), next.SeriesId is { } s ? rules.GetValueOrDefault(s) : null, g.Count());
        }).ToList();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await booking.DeleteTimeOffAsync(id, SeriesScope.Following, cancellationToken);
        if (result is BookingResult.NotFound) return NotFound();
        TempData["Flash.Success"] = "Time off deleted.";
        return RedirectToPage();
    }
}
