using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings;

/// <summary>Settings → Working hours: the signed-in user's own week, up to three ranges a day, in the practice's zone.</summary>
public sealed class WorkingHoursModel(PazPazDb db, CurrentUser current) : PageModel
{
    public sealed class RangeInput
    {
        public string? Start { get; set; }
        public string? End { get; set; }
    }

    public sealed class DayInput
    {
        public DayOfWeek Day { get; set; }
        public List<RangeInput> Ranges { get; set; } = [];
    }

    [BindProperty] public List<DayInput> Days { get; set; } = [];
    public Dictionary<DayOfWeek, string> Errors { get; } = [];
    public string TimeZone { get; private set; } = "UTC";
    public bool IsPracticeDefault { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var (user, zone) = await LoadAsync(cancellationToken);
        var week = WorkingWeek.For(user.WorkingHours, zone);
        Days = week.DaysInOrder.Select(d => new DayInput
        {
            Day = d,
            Ranges = week.On(d).Select(r => new RangeInput { Start = Text(r.Start), End = Text(r.End) }).ToList(),
        }).ToList();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (user, zone) = await LoadAsync(cancellationToken);
        var ranges = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>();
        foreach (var day in Days.Where(d => Enum.IsDefined(d.Day)).DistinctBy(d => d.Day))
        {
            var list = new List<TimeRange>();
            foreach (var range in day.Ranges.Where(r => !string.IsNullOrWhiteSpace(r.Start) || !string.IsNullOrWhiteSpace(r.End)))
            {
                if (Parse(range.Start) is { } start && Parse(range.End) is { } end) list.Add(new TimeRange(start, end));
                else Errors[day.Day] = $"On {Name(day.Day)}, give each range a start and an end as HH:MM.";
            }
            ranges[day.Day] = list;
        }
        foreach (var (day, problem) in WorkingWeek.Problems(ranges)) Errors.TryAdd(day, problem);
        if (Errors.Count > 0)
        {
            Days = WorkingWeek.Default(zone).DaysInOrder.Select(d => Days.FirstOrDefault(x => x.Day == d) ?? new DayInput { Day = d }).ToList();
            if (Request.IsHtmx()) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        user.SetWorkingHours(WorkingWeek.From(ranges, zone));
        await db.SaveChangesAsync(cancellationToken);
        this.Flash("Working hours saved.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResetAsync(CancellationToken cancellationToken)
    {
        var (user, _) = await LoadAsync(cancellationToken);
        user.ResetWorkingHours();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash("Back to the practice's usual week.");
        return RedirectToPage();
    }

    public static string Name(DayOfWeek day) => CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(day);

    private async Task<(User User, string Zone)> LoadAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        TimeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        IsPracticeDefault = user.WorkingHours is null;
        return (user, TimeZone);
    }

    private static string Text(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static TimeOnly? Parse(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
}
