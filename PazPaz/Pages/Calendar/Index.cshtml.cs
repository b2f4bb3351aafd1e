using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.LiveUpdates;
using PazPaz.Notes;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Calendar;

public enum CalendarView { Day, Week, Month }

/// <summary>
/// The main screen: one day, one week or one month of appointments in the practice's time zone, at a bookmarkable
/// address (<c>/calendar?view=week&amp;date=2026-03-10</c>). htmx navigates by fetching the same URL and selecting #calendar-region.
/// </summary>
public sealed class IndexModel(PazPazDb db, TimeProvider clock, CalendarChanges changes, SessionNotes notes, CurrentUser current, ReadAudit reads) : PageModel
{
    public sealed record Entry(Guid Id, DateTime Start, DateTime End, string ClientName, string? ServiceName, AppointmentStatus Status,
        NoteMark Note = NoteMark.None, bool Repeats = false)
    {
        /// <summary>Only a scheduled appointment is dragged around; the others are history.</summary>
        public bool CanMove => Status == AppointmentStatus.Scheduled;
    }

    /// <summary>
    /// An appointment's part of one day, in minutes after local midnight, clipped to that day: <see cref="Lane"/> of
    /// <see cref="Lanes"/> side by side within its overlap group.
    /// </summary>
    public sealed record Placed(Entry Entry, int StartMinute, int EndMinute)
    {
        public int Lane { get; set; }
        public int Lanes { get; set; } = 1;
        /// <summary>The 15-minute grid rows the block covers, as drawn (a short one still takes a row).</summary>
        public (int From, int To) Rows => (StartMinute / 15, Math.Max(StartMinute / 15 + 1, (Math.Min(EndMinute, 24 * 60) + 14) / 15));
    }

    /// <summary>
    /// Side by side only where they overlap: each group of blocks that overlap one another (directly or through others)
    /// shares the day's width among its own lanes; a block that overlaps nothing keeps the whole width.
    /// </summary>
    public static void AssignLanes(List<Placed> blocks)
    {
        var ordered = blocks.OrderBy(b => b.Rows.From).ThenBy(b => b.Rows.To).ToList();
        var group = new List<Placed>();
        var laneEnds = new List<int>();
        var groupEnd = -1;
        void Close() { foreach (var b in group) b.Lanes = laneEnds.Count; group.Clear(); laneEnds.Clear(); }
        foreach (var block in ordered)
        {
            var (from, to) = block.Rows;
            if (from >= groupEnd) Close();
            var lane = laneEnds.FindIndex(end => end <= from);
            if (lane < 0) { lane = laneEnds.Count; laneEnds.Add(to); } else laneEnds[lane] = to;
            block.Lane = lane;
            group.Add(block);
            groupEnd = Math.Max(groupEnd, to);
        }
        Close();
    }

    public sealed record Day(DateOnly Date, bool IsToday, bool IsWorkingDay, bool InMonth, List<Placed> Appointments)
    {
        /// <summary>Time off on this day, clipped to it (minutes after local midnight), drawn behind the appointments.</summary>
        public List<OffPlaced> TimeOff { get; } = [];
    }

    /// <summary>Time off's part of one day: a hatched block labelled with the practice's own words (or "Time off").</summary>
    public sealed record OffPlaced(Guid Id, string Label, bool AllDay, bool Repeats, DateTime Start, DateTime End, int StartMinute, int EndMinute)
    {
        public bool WholeDay => StartMinute == 0 && EndMinute >= 24 * 60;
        public string Span(CultureInfo c) => WholeDay ? "All day" : $"{Start.ToString("HH:mm", c)}–{End.ToString("HH:mm", c)}";
    }

    public CalendarView View { get; private set; } = CalendarView.Week;
    public DateOnly Date { get; private set; }
    public DateOnly Today { get; private set; }
    public PracticeZone Zone { get; private set; } = null!;
    public WorkingWeek Hours { get; private set; } = WorkingWeek.Default("UTC");
    public List<Day> Days { get; private set; } = [];
    public int? NowMinute { get; private set; }
    /// <summary>The server's "now" (Unix milliseconds) when the page was drawn: the browser moves the now line by it, not by its own clock.</summary>
    public long NowUnixMilliseconds { get; private set; }
    /// <summary>The live-updates stream, from the point this page was drawn at: a change in between is announced at once.</summary>
    public string LiveUrl { get; private set; } = "";
    /// <summary>Export titles as the user's own calendar feed shows them ("Session" without a feed); the menu offers the others.</summary>
    public FeedPrivacyPreset ExportPreset { get; private set; } = FeedPrivacyPreset.Session;
    public bool ExportShowsPrivateLocations { get; private set; }
    public bool ExportAsFeed { get; private set; }

    /// <summary>The days on screen as an .ics file: the JSON API's export, with the session cookie.</summary>
    public string? ExportUrl(FeedPrivacyPreset preset)
    {
        if (Days.Count == 0) return null;
        static string Utc(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return $"/api/v1/appointments/export.ics?start_date={Utc(Zone.StartOf(Days[0].Date))}&end_date={Utc(Zone.StartOf(Days[^1].Date.AddDays(1)))}" +
            $"&privacy_preset={ApiNames.Of(preset)}" + (ExportShowsPrivateLocations ? "&show_private_locations=true" : "");
    }

    public async Task OnGetAsync(string? view, string? date, CancellationToken cancellationToken)
    {
        LiveUrl = "/api/v1/appointments/stream?since=" + Uri.EscapeDataString(changes.MarkOf(current.RequireWorkspaceId())); // taken before reading, never after
        var (from, to) = await ReadRangeAsync(view, date, cancellationToken);
        // Whether each session has its note (its live note, as NotedSessions counts them), read with the appointments;
        // only for users who may see notes at all.
        var mayNote = await notes.WhyNotAllowedAsync(cancellationToken) is null;
        var rows = await db.Appointments.AsNoTracking()
            .Overlapping(from, to)
            .OrderBy(a => a.ScheduledStart).ThenBy(a => a.ScheduledEnd)
            .Select(a => new { a.Id, a.ScheduledStart, a.ScheduledEnd, a.Client!.FirstName, a.Client.LastName,
                ServiceName = a.Service != null ? a.Service.Name : null, a.Status, Repeats = a.SeriesId != null,
                Note = mayNote ? db.SessionNotes.Where(n => n.AppointmentId == a.Id && n.DeletedAt == null).Select(n => (SessionNoteStatus?)n.Status).FirstOrDefault() : null })
            .ToListAsync(cancellationToken);
        // Who comes when, by name: one read event naming the appointments on screen (every redraw is a read, see ReadAudit).
        await reads.RecordAsync(nameof(Appointment), rows.Select(r => r.Id).ToList(), "calendar", cancellationToken);

        var now = clock.GetUtcNow();
        NoteMark Mark(SessionNoteStatus? note, AppointmentStatus status, DateTimeOffset end) =>
            !mayNote ? NoteMark.None
            : note is { } written ? (written == SessionNoteStatus.Draft ? NoteMark.Draft : NoteMark.Written)
            : NotedSessions.IsWithoutNote(status, end, now, hasNote: false) ? NoteMark.Missing
            : NoteMark.None;

        foreach (var row in rows)
        {
            var entry = new Entry(row.Id, Zone.ToLocal(row.ScheduledStart), Zone.ToLocal(row.ScheduledEnd), $"{row.FirstName} {row.LastName}",
                row.ServiceName, row.Status, Mark(row.Note, row.Status, row.ScheduledEnd), row.Repeats);
            foreach (var (index, startMinute, endMinute) in PartsOnScreen(entry.Start, entry.End))
                Days[index].Appointments.Add(new Placed(entry, startMinute, endMinute));
        }
        foreach (var day in Days) AssignLanes(day.Appointments);

        var offs = await db.TimeOff.AsNoTracking().Overlapping(from, to).OrderBy(t => t.StartsAt)
            .Select(t => new { t.Id, t.Label, t.StartsAt, t.EndsAt, t.AllDay, Repeats = t.SeriesId != null }).ToListAsync(cancellationToken);
        foreach (var off in offs)
        {
            var (start, end) = (Zone.ToLocal(off.StartsAt), Zone.ToLocal(off.EndsAt));
            var label = TimeOff.LabelOrDefault(off.Label);
            foreach (var (index, startMinute, endMinute) in PartsOnScreen(start, end))
                Days[index].TimeOff.Add(new OffPlaced(off.Id, label, off.AllDay, off.Repeats, start, end, startMinute, endMinute));
        }
    }

    /// <summary>
    /// A local [start, end) cut at midnights into the days on screen: (day index, minutes after midnight from, to), at least
    /// 15 minutes drawn; a part that would begin at the midnight it ends on is left out.
    /// </summary>
    private IEnumerable<(int Index, int StartMinute, int EndMinute)> PartsOnScreen(DateTime start, DateTime end)
    {
        var (startDay, endDay) = (DateOnly.FromDateTime(start), DateOnly.FromDateTime(end));
        for (var day = startDay; day <= endDay; day = day.AddDays(1))
        {
            var index = day.DayNumber - Days[0].Date.DayNumber;
            if (index < 0 || index >= Days.Count) continue;
            if (day == endDay && day != startDay && end.TimeOfDay == TimeSpan.Zero) continue; // ends at midnight
            var startMinute = day > startDay ? 0 : (int)start.TimeOfDay.TotalMinutes;
            var endMinute = day < endDay ? 24 * 60 : (int)end.TimeOfDay.TotalMinutes;
            yield return (index, startMinute, Math.Max(endMinute, startMinute + 15));
        }
    }

    private async Task<(DateTimeOffset From, DateTimeOffset To)> ReadRangeAsync(string? view, string? date, CancellationToken cancellationToken)
    {
        // The zone, the user's working week and the export preset of their first feed: one round trip.
        var userId = current.UserId;
        var ownFeeds = db.OwnFeeds(current);
        var settings = await db.Workspaces.Select(w => new
        {
            w.TimeZone,
            Hours = db.Users.Where(u => u.Id == userId).Select(u => u.WorkingHours).FirstOrDefault(),
            Feed = ownFeeds.OrderBy(f => f.CreatedAt)
                .Select(f => new { f.PrivacyPreset, f.ShowPrivateLocations }).FirstOrDefault(),
        }).SingleAsync(cancellationToken);
        (Zone, Hours) = (new PracticeZone(settings.TimeZone), WorkingWeek.For(settings.Hours, settings.TimeZone));
        if (settings.Feed is { } feed)
            (ExportPreset, ExportShowsPrivateLocations, ExportAsFeed) = (feed.PrivacyPreset, feed.ShowPrivateLocations, true);
        Today = Zone.Today(clock);
        NowUnixMilliseconds = clock.GetUtcNow().ToUnixTimeMilliseconds();
        View = Enum.TryParse<CalendarView>(view, ignoreCase: true, out var v) && Enum.IsDefined(v) ? v : CalendarView.Week;
        Date = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100
            ? d : Today;

        var (first, count) = View switch
        {
            CalendarView.Day => (Date, 1),
            CalendarView.Week => (Hours.WeekStart(Date), 7),
            _ => MonthGrid(Date),
        };
        Days = Enumerable.Range(0, count).Select(i => first.AddDays(i))
            .Select(day => new Day(day, day == Today, Hours.IsWorkingDay(day), View != CalendarView.Month || day.Month == Date.Month, []))
            .ToList();
        if (Days.Any(x => x.IsToday)) NowMinute = (int)Zone.ToLocal(clock.GetUtcNow()).TimeOfDay.TotalMinutes;
        return (Zone.StartOf(first), Zone.StartOf(first.AddDays(count)));
    }

    private (DateOnly First, int Count) MonthGrid(DateOnly date)
    {
        var first = Hours.WeekStart(new DateOnly(date.Year, date.Month, 1));
        var last = Hours.WeekStart(new DateOnly(date.Year, date.Month, DateTime.DaysInMonth(date.Year, date.Month))).AddDays(7);
        return (first, last.DayNumber - first.DayNumber);
    }

    public static string CalendarUrl(CalendarView view, DateOnly date) =>
        $"/calendar?view={view.ToString().ToLowerInvariant()}&date={date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public string SelfUrl => CalendarUrl(View, Date);
    public string PreviousUrl => CalendarUrl(View, Step(-1));
    public string NextUrl => CalendarUrl(View, Step(1));
    public string TodayUrl => CalendarUrl(View, Today);

    /// <summary>Where "New appointment" (and the n key) starts: today when it is on screen, else the first day shown.</summary>
    public string NewAppointmentUrl => "/appointments/new?date=" +
        (Days.Any(d => d.IsToday) ? Today : View == CalendarView.Month ? new DateOnly(Date.Year, Date.Month, 1) : Days[0].Date)
        .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"Time off" starts on the same day as "New appointment".</summary>
    public string NewTimeOffUrl => NewAppointmentUrl.Replace("/appointments/new", "/time-off/new");

    private DateOnly Step(int n) => View switch
    {
        CalendarView.Day => Date.AddDays(n),
        CalendarView.Week => Date.AddDays(7 * n),
        _ => Date.AddMonths(n),
    };

    /// <summary>The title on a phone: "Thu 26 Nov 2026", "22 – 28 Nov 2026", "November 2026".</summary>
    public string ShortTitle
    {
        get
        {
            var c = PracticeZone.Culture;
            if (View == CalendarView.Day) return Date.ToString("ddd d MMM yyyy", c);
            if (View == CalendarView.Month) return Date.ToString("MMMM yyyy", c);
            var (first, last) = (Days[0].Date, Days[^1].Date);
            return first.Month == last.Month ? $"{first.Day} – {last.ToString("d MMM yyyy", c)}" : $"{first.ToString("d MMM", c)} – {last.ToString("d MMM yyyy", c)}";
        }
    }

    public string Title
    {
        get
        {
            var c = PracticeZone.Culture;
            if (View == CalendarView.Day) return Date.ToString("dddd d MMMM yyyy", c);
            if (View == CalendarView.Month) return Date.ToString("MMMM yyyy", c);
            var (first, last) = (Days[0].Date, Days[^1].Date);
            if (first.Month == last.Month) return $"{first.Day} – {last.ToString("d MMMM yyyy", c)}";
            if (first.Year == last.Year) return $"{first.ToString("d MMMM", c)} – {last.ToString("d MMMM yyyy", c)}";
            return $"{first.ToString("d MMMM yyyy", c)} – {last.ToString("d MMMM yyyy", c)}";
        }
    }
}
