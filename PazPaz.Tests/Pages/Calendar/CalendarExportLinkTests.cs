using System.Net;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Calendar;

public sealed class CalendarExportLinkTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task The_export_link_downloads_the_days_on_screen_in_the_practice_zone()
    {
        await App.PracticeAsync(timeZone: "Europe/London");
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/calendar?view=week&date=2026-03-25");
        var href = page.QuerySelector("#cal-export")!.GetAttribute("href")!;

        // Monday 23 March 00:00 GMT to Monday 30 March 00:00 BST: the clocks go forward in between.
        Assert.Equal("/api/v1/appointments/export.ics?start_date=2026-03-23T00%3A00%3A00Z&end_date=2026-03-29T23%3A00%3A00Z&privacy_preset=session", href);
        var download = await browser.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        // Named by the practice's days, Monday to Sunday, not by the UTC instants.
        Assert.Equal("pazpaz-2026-03-23-2026-03-29.ics", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("text/calendar", download.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_export_menu_starts_with_the_titles_of_the_users_own_feed_and_offers_the_others()
    {
        await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var browser = await App.SignedInAsync("dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/calendar-feeds",
            new { name = "Phone", privacy_preset = "client_initials", show_private_locations = true })).StatusCode);

        var page = await browser.GetPageAsync("/calendar?view=day&date=2026-07-01");

        var first = page.QuerySelector("#cal-export")!;
        Assert.Contains("Client initials", first.TextContent);
        Assert.Contains("as in your feed", first.TextContent);
        Assert.EndsWith("&privacy_preset=client_initials&show_private_locations=true", first.GetAttribute("href"));
        var offered = page.QuerySelectorAll("#cal-export-menu a[download]").Select(a => a.GetAttribute("href")!.Split("privacy_preset=")[1].Split('&')[0]).ToList();
        Assert.Equal(["client_initials", "session", "service_name", "client_first_name", "client_full_name"], offered);

        var download = await browser.GetAsync(first.GetAttribute("href"));
        Assert.Equal("pazpaz-2026-07-01.ics", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }
}
