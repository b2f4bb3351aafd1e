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
        Assert.Equal("/api/v1/appointments/export.ics?start_date=2026-03-23T00%3A00%3A00Z&end_date=2026-03-29T23%3A00%3A00Z", href);
        var download = await browser.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/calendar", download.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", await download.Content.ReadAsStringAsync());
    }
}
