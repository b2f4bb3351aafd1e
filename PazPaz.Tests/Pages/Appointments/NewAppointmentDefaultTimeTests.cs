using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Appointments;

/// <summary>
/// "New appointment" without a clicked slot opens at the next quarter hour of the practice's clock; these are the moments
/// of the day and year where that needs care. Every instant is next year (the fake clock only moves forward).
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

    [Fact]
    public async Task At_23_55_on_31_December_it_opens_on_1_January_at_the_start_of_working_hours()
    {
        var year = NextYear;
        var (date, start, end) = await FormAtAsync(new DateTime(year, 12, 31, 23, 55, 0));
        Assert.Equal(($"{year + 1}-01-01", "08:00", "09:00"), (date, start, end)); // Israel: 08:00–18:00
    }

    [Fact]
    public async Task At_01_50_on_the_spring_forward_night_it_opens_at_03_00_not_at_02_00_which_never_happens()
    {
        var night = Enumerable.Range(1, 31).Select(d => new DateTime(NextYear, 3, d))
            .Single(d => Jerusalem.IsInvalidTime(d.AddHours(2).AddMinutes(30)));
        var (date, start, end) = await FormAtAsync(night.AddHours(1).AddMinutes(50));
        Assert.Equal((night.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "03:00", "04:00"), (date, start, end));
    }
}
