using System.Net;
using AngleSharp.Dom;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Calendar;

public sealed class CalendarPageTests(PazPazApp app) : AppTest(app)
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static IElement Column(IDocument page, string date) =>
        page.QuerySelector($".cal-day[data-date='{date}']") ?? throw new InvalidOperationException($"No column for {date}.");

    /// <summary>The local start of every appointment block in a day column.</summary>
    private static List<string> StartsIn(IDocument page, string date) =>
        Column(page, date).QuerySelectorAll("[data-appointment-id]").Select(a => a.GetAttribute("data-start")!).ToList();

    private async Task<(Seed.Practice Practice, Client Client, HttpClient Browser)> PracticeAsync(string timeZone = "Europe/London")
    {
        var practice = await App.PracticeAsync(timeZone: timeZone);
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, client, await App.SignedInAsync(practice.Owner.Email));
    }

    [Fact]
    public async Task Week_view_shows_the_weeks_appointments_at_their_local_times()
    {
        var (practice, noa, browser) = await PracticeAsync("Asia/Jerusalem");
        var service = await App.WithDbAsync(async db =>
        {
            var s = Service.Create(practice.Workspace.Id, "Sports massage", 60);
            db.Add(s);
            await db.SaveChangesAsync();
            return s;
        });
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 8), serviceId: service.Id); // Tuesday 10:00 in Jerusalem
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 23, 30)); // Wednesday 11 March, 01:30 local
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 15, 8)); // the Sunday after: next week in Israel

        var page = await browser.GetPageAsync("/calendar?view=week&date=2026-03-10");

        // Israeli weeks run Sunday to Saturday.
        Assert.Equal(["2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14"],
            page.QuerySelectorAll(".cal-day").Select(d => d.GetAttribute("data-date")!));
        Assert.Contains("8 – 14 March 2026", page.QuerySelector("h1").Text());
        var tuesday = Column(page, "2026-03-10").QuerySelector("[data-appointment-id]");
        Assert.Equal("2026-03-10T10:00", tuesday?.GetAttribute("data-start"));
        Assert.Contains("Noa Cohen", tuesday.Text());
        Assert.Contains("10:00–11:00 · Sports massage", tuesday.Text());
        Assert.Equal(["2026-03-11T01:30"], StartsIn(page, "2026-03-11"));
        Assert.Equal(2, page.QuerySelectorAll("[data-appointment-id]").Length);
    }

    [Fact]
    public async Task The_week_that_clocks_go_forward_places_every_appointment_on_its_local_day()
    {
        // Europe/London springs forward on Sunday 29 March 2026 at 01:00 UTC: that Sunday has 23 hours.
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 28, 23, 30), 20); // Sat 23:30 GMT
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 29, 0, 30)); // Sun 00:30 GMT
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 29, 10)); // Sun 11:00 BST
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 29, 23, 30)); // Mon 30 March 00:30 BST

        var week = await browser.GetPageAsync("/calendar?view=week&date=2026-03-25");
        Assert.Equal("2026-03-23", week.QuerySelector(".cal-day")?.GetAttribute("data-date")); // Monday-to-Sunday weeks in the UK
        Assert.Equal(["2026-03-28T23:30"], StartsIn(week, "2026-03-28"));
        Assert.Equal(["2026-03-29T00:30", "2026-03-29T11:00"], StartsIn(week, "2026-03-29"));
        Assert.Equal(3, week.QuerySelectorAll("[data-appointment-id]").Length);

        var day = await browser.GetPageAsync("/calendar?view=day&date=2026-03-29");
        Assert.Contains("Sunday 29 March 2026", day.QuerySelector("h1").Text());
        Assert.Equal(["2026-03-29T00:30", "2026-03-29T11:00"], StartsIn(day, "2026-03-29"));

        var nextWeek = await browser.GetPageAsync("/calendar?view=week&date=2026-03-30");
        Assert.Equal(["2026-03-30T00:30"], StartsIn(nextWeek, "2026-03-30"));
    }

    [Fact]
    public async Task The_day_that_clocks_go_back_has_twenty_five_hours()
    {
        // Sunday 25 October 2026 runs from 23:00 UTC on the 24th to 00:00 UTC on the 26th.
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 10, 24, 22, 30), 20); // Sat 23:30 BST
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 10, 24, 23, 15)); // Sun 00:15 BST
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 10, 25, 23, 15)); // Sun 23:15 GMT

        var day = await browser.GetPageAsync("/calendar?view=day&date=2026-10-25");

        Assert.Equal(["2026-10-25T00:15", "2026-10-25T23:15"], StartsIn(day, "2026-10-25"));
    }

    [Fact]
    public async Task An_appointment_across_midnight_shows_on_both_days()
    {
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 23, 30)); // 23:30–00:30 GMT

        var week = await browser.GetPageAsync("/calendar?view=week&date=2026-03-10");

        Assert.Equal(["2026-03-10T23:30"], StartsIn(week, "2026-03-10"));
        Assert.Equal(["2026-03-10T23:30"], StartsIn(week, "2026-03-11"));
        Assert.Single(week.QuerySelectorAll("[data-appointment-id][id^='appointment-']")); // one id, on the day it starts
    }

    [Fact]
    public async Task Day_view_is_bookmarkable_and_links_to_the_days_around_it()
    {
        var (_, _, browser) = await PracticeAsync();

        var page = await browser.GetPageAsync("/calendar?view=day&date=2026-03-10");

        Assert.Contains("Tuesday 10 March 2026", page.QuerySelector("h1").Text());
        Assert.Single(page.QuerySelectorAll(".cal-day"));
        Assert.Equal("/calendar?view=day&date=2026-03-09", page.QuerySelector("#cal-prev")?.GetAttribute("href"));
        Assert.Equal("/calendar?view=day&date=2026-03-11", page.QuerySelector("#cal-next")?.GetAttribute("href"));
        Assert.Equal("/calendar?view=day&date=2026-03-09", page.QuerySelector("#cal-prev")?.GetAttribute("hx-get"));
        Assert.Equal("#calendar-region", page.QuerySelector("#cal-prev")?.ParentElement?.GetAttribute("hx-select"));
        Assert.Equal("/calendar?view=week&date=2026-03-10", page.QuerySelector("#cal-view-w")?.GetAttribute("href"));
        Assert.Equal("page", page.QuerySelector("#cal-view-d")?.GetAttribute("aria-current"));
        Assert.Equal("/appointments/new?date=2026-03-10", page.QuerySelector("#cal-new")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Without_a_date_the_calendar_shows_this_week_with_a_now_line_on_today()
    {
        var (_, _, browser) = await PracticeAsync();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);

        var page = await browser.GetPageAsync("/calendar");

        Assert.Equal("week", page.QuerySelector("#calendar-region")?.GetAttribute("data-view"));
        Assert.NotNull(Column(page, today.ToString("yyyy-MM-dd")).QuerySelector("[data-now-line]"));
        Assert.Single(page.QuerySelectorAll("[data-now-line]"));
    }

    [Fact]
    public async Task Month_view_shows_a_few_appointments_a_day_and_how_many_more()
    {
        var (practice, noa, browser) = await PracticeAsync();
        for (var hour = 8; hour < 13; hour++) await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, hour));
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 31, 15));
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 4, 1, 15)); // shown in the grid's last week

        var page = await browser.GetPageAsync("/calendar?view=month&date=2026-03-10");

        Assert.Contains("March 2026", page.QuerySelector("h1").Text());
        var days = page.QuerySelectorAll(".cal-month-day");
        Assert.Equal("2026-02-23", days[0].GetAttribute("data-date"));
        Assert.Equal("2026-04-05", days[^1].GetAttribute("data-date"));
        var tenth = page.QuerySelector(".cal-month-day[data-date='2026-03-10']")!;
        Assert.Equal(3, tenth.QuerySelectorAll("ul [data-appointment-id]").Length);
        Assert.Contains("08:00", tenth.QuerySelector("ul [data-appointment-id]").Text());
        var more = tenth.QuerySelectorAll("a").Single(a => a.Text() == "+2 more");
        Assert.Equal("/calendar?view=day&date=2026-03-10", more.GetAttribute("href"));
        Assert.Single(page.QuerySelectorAll(".cal-month-day[data-date='2026-04-01'] ul [data-appointment-id]"));
    }

    [Fact]
    public async Task Statuses_are_told_by_words_and_marks_not_only_colour()
    {
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 9), 90, AppointmentStatus.Completed);
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 11), status: AppointmentStatus.Cancelled);
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 13), status: AppointmentStatus.NoShow);
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 15));

        var page = await browser.GetPageAsync("/calendar?view=day&date=2026-03-10");

        var blocks = page.QuerySelectorAll("[data-appointment-id]").Select(b => b.Text()).ToList();
        Assert.Equal(4, blocks.Count);
        Assert.Contains("✓", blocks[0]);
        Assert.Contains("Completed", blocks[0]);
        Assert.Contains("✕", blocks[1]);
        Assert.Contains("Cancelled", blocks[1]);
        Assert.Contains("⊘", blocks[2]);
        Assert.Contains("No-show", blocks[2]);
        Assert.Contains("Scheduled", blocks[3]);
        Assert.NotNull(page.QuerySelectorAll("[data-appointment-id]")[1].QuerySelector(".line-through"));
        // Only a scheduled appointment can be dragged.
        Assert.Equal(["false", "false", "false", "true"], page.QuerySelectorAll("[data-appointment-id]").Select(b => b.GetAttribute("data-can-move")!));
    }

    [Fact]
    public async Task Another_workspaces_appointments_never_appear()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        var theirs = await App.ClientAsync(other.Workspace.Id, "Tamar", "Friedman");
        await App.AppointmentAsync(other.Workspace.Id, theirs.Id, Utc(2026, 3, 10, 9));
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Utc(2026, 3, 10, 14));

        foreach (var view in new[] { "day", "week", "month" })
        {
            var response = await browser.GetAsync($"/calendar?view={view}&date=2026-03-10");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Noa Cohen", html);
            Assert.DoesNotContain("Tamar", html);
        }
    }

    [Fact]
    public async Task Nonsense_in_the_address_falls_back_to_this_week()
    {
        var (_, _, browser) = await PracticeAsync();

        var page = await browser.GetPageAsync("/calendar?view=year&date=31-02-2026");

        Assert.Equal("week", page.QuerySelector("#calendar-region")?.GetAttribute("data-view"));
        Assert.Equal(7, page.QuerySelectorAll(".cal-day").Length);
    }
}
