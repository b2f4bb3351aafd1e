using System.Net;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Appointments;

/// <summary>"Repeat" in the booking dialog, the clash list, and the scope a series session's edit and cancel ask for.</summary>
public sealed class RepeatFormTests(PazPazApp app) : AppTest(app)
{
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");

    private async Task<(Seed.Practice Practice, Client Noa, HttpClient Browser)> PracticeAsync()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, noa, (await App.SignedInAsync(practice.Owner.Email)).AsHtmx());
    }

    private DateOnly TuesdayAhead()
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime).AddDays(2);
        while (day.DayOfWeek != DayOfWeek.Tuesday) day = day.AddDays(1);
        return day;
    }

    private static DateTimeOffset At(DateOnly day, int hour) => TimeZones.ToUtc(day.ToDateTime(new TimeOnly(hour, 0)), Jerusalem);

    private Task<List<Appointment>> AppointmentsAsync() =>
        App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().OrderBy(a => a.ScheduledStart).ToListAsync());

    private Dictionary<string, string> Repeat(Client client, int count) => new()
    {
        ["client_id"] = client.Id.ToString(), ["repeat"] = "true", ["count"] = count.ToString(), ["ends"] = "count",
    };

    [Fact]
    public async Task Repeat_is_off_by_default_with_the_booked_day_ticked()
    {
        var (_, _, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync($"/appointments/new?start={TuesdayAhead():yyyy-MM-dd}T10:00");

        Assert.False(form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#repeat")!.IsChecked);
        Assert.Equal(["tuesday"], form.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=weekdays]").Where(i => i.IsChecked).Select(i => i.Value));
        // Israel's week starts on Sunday, as the calendar's does.
        Assert.Equal("sunday", form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=weekdays]")!.Value);
        Assert.Equal("12", form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#repeat-count")!.Value);
    }

    [Fact]
    public async Task A_weekly_series_is_booked_from_the_dialog_with_one_toast()
    {
        var (_, noa, browser) = await PracticeAsync();
        var first = TuesdayAhead();
        var form = await browser.GetPageAsync($"/appointments/new?start={first:yyyy-MM-dd}T10:00");

        var response = await browser.SubmitAsync(form, "#appointment-form", Repeat(noa, 4));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.HxTriggers(), t => t.Contains("appointment-saved"));
        Assert.Contains("Booked Noa Cohen · 4 sessions from", (await response.ParseAsync()).QuerySelector("#toast")!.TextContent);
        var saved = await AppointmentsAsync();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => At(first.AddDays(7 * i), 10)), saved.Select(a => a.ScheduledStart));
        Assert.Single(saved.Select(a => a.SeriesId).Distinct());

        // The week marks each session of a series as repeating; a single appointment has no mark.
        var single = await App.BookAsync(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().FirstAsync()), noa.Id, At(first, 14));
        var week = await browser.GetPageAsync($"/calendar?view=week&date={first:yyyy-MM-dd}");
        Assert.NotNull(week.QuerySelector($"a[data-appointment-id='{saved[0].Id}'] [data-repeats]"));
        Assert.Contains("(repeats)", week.QuerySelector($"a[data-appointment-id='{saved[0].Id}']")!.TextContent);
        Assert.Null(week.QuerySelector($"a[data-appointment-id='{single.Id}'] [data-repeats]"));
    }

    [Fact]
    public async Task Clashing_dates_are_listed_and_skipped_or_booked_anyway()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var lior = await App.ClientAsync(practice.Workspace.Id, "Lior", "Shapiro");
        var first = TuesdayAhead();
        await App.BookAsync(practice.Owner, lior.Id, At(first.AddDays(7), 10));
        var form = await browser.GetPageAsync($"/appointments/new?start={first:yyyy-MM-dd}T10:00");

        var clashed = await browser.SubmitAsync(form, "#appointment-form", Repeat(noa, 4));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, clashed.StatusCode);
        var page = await clashed.ParseAsync();
        var list = page.QuerySelector("[data-testid=series-clashes]")!;
        Assert.Contains("1 session overlaps", list.TextContent);
        Assert.Contains(first.AddDays(7).ToDateTime(TimeOnly.MinValue).ToString("ddd d MMM", System.Globalization.CultureInfo.InvariantCulture), list.TextContent);
        Assert.Contains("L.S.", list.TextContent);
        Assert.Equal(["Skip these dates", "Book anyway", "Cancel"], list.QuerySelectorAll("button").Select(b => b.TextContent.Trim()));
        Assert.Single(await AppointmentsAsync());

        var skipped = await browser.SubmitAsync(page, "#appointment-form", new Dictionary<string, string> { ["series_action"] = "skip" });
        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        var sessions = (await AppointmentsAsync()).Where(a => a.SeriesId is not null).ToList();
        Assert.Equal([first, first.AddDays(14), first.AddDays(21)], sessions.Select(a => a.SeriesDate!.Value));

        var anyway = await browser.SubmitAsync(page, "#appointment-form", new Dictionary<string, string> { ["series_action"] = "anyway", ["start"] = "10:00" });
        Assert.Equal(HttpStatusCode.OK, anyway.StatusCode);
        Assert.Equal(1 + 3 + 4, (await AppointmentsAsync()).Count);
    }

    [Fact]
    public async Task Book_anyway_holds_only_for_the_series_it_was_shown_for()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var first = TuesdayAhead();
        await App.BookAsync(practice.Owner, noa.Id, At(first.AddDays(7), 10));
        await App.BookAsync(practice.Owner, noa.Id, At(first.AddDays(14), 10));
        var form = await browser.GetPageAsync($"/appointments/new?start={first:yyyy-MM-dd}T10:00");
        var page = await (await browser.SubmitAsync(form, "#appointment-form", Repeat(noa, 2))).ParseAsync();

        // The count changed after the list was shown: a new clash is listed rather than booked over.
        var changed = await browser.SubmitAsync(page, "#appointment-form", new Dictionary<string, string> { ["series_action"] = "anyway", ["count"] = "3" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        Assert.Contains("2 sessions overlap", (await changed.ParseAsync()).QuerySelector("[data-testid=series-clashes]")!.TextContent);
        Assert.Equal(2, (await AppointmentsAsync()).Count);
    }

    [Theory]
    [InlineData("weekdays", "", "weekdays")]
    [InlineData("interval_weeks", "0", "interval_weeks")]
    [InlineData("count", "0", "count")]
    [InlineData("count", "400", "count")]
    public async Task A_bad_repeat_is_a_field_error_in_the_form(string field, string value, string error)
    {
        var (_, noa, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync($"/appointments/new?start={TuesdayAhead():yyyy-MM-dd}T10:00");
        var values = Repeat(noa, 4);
        values[field] = value;

        var response = await browser.SubmitAsync(form, "#appointment-form", values);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull((await response.ParseAsync()).QuerySelector($"#{error}-error"));
        Assert.Empty(await AppointmentsAsync());
    }

    [Fact]
    public async Task A_session_of_a_series_says_where_it_stands_and_asks_how_far_an_edit_reaches()
    {
        var (_, noa, browser) = await PracticeAsync();
        var first = TuesdayAhead();
        var form = await browser.GetPageAsync($"/appointments/new?start={first:yyyy-MM-dd}T10:00");
        await browser.SubmitAsync(form, "#appointment-form", Repeat(noa, 4));
        var second = (await AppointmentsAsync())[1];

        var edit = await browser.GetPageAsync($"/appointments/{second.Id}");
        Assert.Equal("Every Tuesday · 2 of 4", edit.QuerySelector("[data-testid=series-place]")!.TextContent.Trim());
        Assert.Equal(["this", "following", "all"], edit.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=scope]").Select(i => i.Value));
        Assert.Null(edit.QuerySelector("[data-testid=repeat-fields]"));

        var saved = await browser.SubmitAsync(edit, "#appointment-form", new Dictionary<string, string> { ["scope"] = "following", ["start"] = "12:00", ["end"] = "13:00" });
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        var after = await AppointmentsAsync();
        Assert.Equal([At(first, 10), At(first.AddDays(7), 12), At(first.AddDays(14), 12), At(first.AddDays(21), 12)], after.Select(a => a.ScheduledStart));
    }

    [Fact]
    public async Task Cancelling_a_session_of_a_series_offers_this_following_or_all()
    {
        var (_, noa, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync($"/appointments/new?start={TuesdayAhead():yyyy-MM-dd}T10:00");
        await browser.SubmitAsync(form, "#appointment-form", Repeat(noa, 4));
        var sessions = await AppointmentsAsync();

        var edit = await browser.GetPageAsync($"/appointments/{sessions[1].Id}");
        var choices = edit.QuerySelectorAll("[data-testid=cancel-scope] button").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(["Cancel this session", "Cancel this and following", "Cancel all sessions to come"], choices);

        var response = await browser.SubmitAsync(edit, "[data-testid=cancel-scope] form", new Dictionary<string, string> { ["scope"] = "following" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("3 sessions cancelled", (await response.ParseAsync()).QuerySelector("#toast")!.TextContent);
        Assert.Equal([AppointmentStatus.Scheduled, AppointmentStatus.Cancelled, AppointmentStatus.Cancelled, AppointmentStatus.Cancelled],
            (await AppointmentsAsync()).Select(a => a.Status));
    }
}
