using System.Net;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Calendar;

/// <summary>Time off in the subscription feed and the export: "Busy" and nothing else, and a change moves the ETag.</summary>
public sealed class FeedTimeOffTests(PazPazApp app) : AppTest(app)
{
    private DateTimeOffset Tomorrow(int hour) => new DateTimeOffset(App.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddHours(hour);

    private static List<string> Event(string calendar, string uidStart)
    {
        var lines = calendar.Replace("\r\n ", "").Split("\r\n").ToList();
        var start = lines.FindIndex(l => l.StartsWith("UID:" + uidStart, StringComparison.Ordinal));
        Assert.True(start > 0, calendar);
        var end = lines.FindIndex(start, l => l == "END:VEVENT");
        return lines[(start - 1)..(end + 1)];
    }

    [Fact]
    public async Task Time_off_is_an_opaque_private_Busy_event_without_its_label_and_changes_move_the_etag()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");
        var feed = await (await api.PostJsonAsync("/api/v1/calendar-feeds", new { })).JsonAsync();
        var path = new Uri(feed["url"]!.GetValue<string>()).PathAndQuery;
        var first = await App.Browser().GetAsync(path);
        var etag = first.Headers.ETag!;

        var created = await (await api.PostJsonAsync("/api/v1/time-off", new { label = "Fertility clinic", starts_at = Tomorrow(8), ends_at = Tomorrow(11) })).JsonAsync();
        var id = created["id"]!.GetValue<Guid>();

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        var second = await App.Browser().SendAsync(conditional);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode); // not 304: the time off changed the calendar
        var text = await second.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Fertility", text);
        var busy = Event(text, $"time-off-{id:D}@pazpaz");
        Assert.Contains("SUMMARY:Busy", busy);
        Assert.Contains("TRANSP:OPAQUE", busy);
        Assert.Contains("CLASS:PRIVATE", busy);
        Assert.Contains("STATUS:CONFIRMED", busy);
        Assert.Contains("DTSTART:" + PazPaz.Calendar.FeedWriter.Utc(Tomorrow(8)), busy);
        Assert.DoesNotContain(busy, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal) || l.StartsWith("LOCATION", StringComparison.Ordinal)
                                         || l.StartsWith("X-PAZPAZ-STATUS", StringComparison.Ordinal));

        // A label change shows nothing new but still moves the version; a deletion removes the event.
        var etag2 = second.Headers.ETag!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/time-off/{id}")).StatusCode);
        using var third = new HttpRequestMessage(HttpMethod.Get, path);
        third.Headers.IfNoneMatch.Add(etag2);
        var after = await App.Browser().SendAsync(third);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.DoesNotContain("time-off-", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_export_shows_time_off_as_Busy_only()
    {
        await App.PracticeAsync();
        var api = await App.ApiClientAsync("dana@example.com");
        await api.PostJsonAsync("/api/v1/time-off", new { label = "Course in Haifa", starts_at = Tomorrow(8), ends_at = Tomorrow(11) });

        var from = Uri.EscapeDataString(Tomorrow(0).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        var to = Uri.EscapeDataString(Tomorrow(24).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        var text = await (await api.GetAsync($"/api/v1/appointments/export.ics?start_date={from}&end_date={to}")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("Haifa", text);
        Assert.Contains("SUMMARY:Busy", Event(text, "time-off-"));
    }
}
