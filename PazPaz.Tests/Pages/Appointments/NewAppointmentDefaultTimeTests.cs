using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Appointments;

/// <summary>
/// "New appointment" without a clicked slot opens at the next quarter hour of the practice's clock. The moments where that
/// needs care (23:55 on 31 December, the spring-forward night) are in AppointmentFormTests. Every instant is next year
/// (the fake clock only moves forward).
/// </summary>
public sealed class NewAppointmentDefaultTimeTests(PazPazApp app) : AppTest(app)
{
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");

    private int NextYear => App.Clock.GetUtcNow().Year + 1;

    /// <summary>Signs in at <paramref name="local"/> (Jerusalem wall-clock time) and opens the empty form.</summary>
    private async Task<(string Date, string Start, string End)> FormAtAsync(DateTime local)
    {
        App.Clock.SetUtcNow(TimeZones.ToUtc(local, Jerusalem));
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var browser = (await App.SignedInAsync(practice.Owner.Email)).AsHtmx();
        var form = await browser.GetPageAsync("/appointments/new");
        string Value(string id) => form.QuerySelector(id)?.GetAttribute("value") ?? "";
        return (Value("#appointment-date"), Value("#appointment-start"), Value("#appointment-end"));
    }

    [Fact]
    public async Task At_08_12_it_opens_at_08_15_today()
    {
        var year = NextYear;
        var (date, start, end) = await FormAtAsync(new DateTime(year, 6, 8, 8, 12, 0));
        Assert.Equal(($"{year}-06-08", "08:15", "09:15"), (date, start, end));
    }
}
