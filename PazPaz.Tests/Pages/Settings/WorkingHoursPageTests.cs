using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

/// <summary>Settings → Working hours: each user's own week shades their calendar and starts their new bookings.</summary>
public sealed class WorkingHoursPageTests(PazPazApp app) : AppTest(app)
{
    /// <summary>A Monday more than a year after the test clock's now: a week with nothing booked.</summary>
    private DateOnly NextMonday()
    {
        var day = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime).AddDays(400);
        return day.AddDays(((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7);
    }

    private static Dictionary<string, string> Week(params (int Day, int Range, string Start, string End)[] ranges)
    {
        var form = new Dictionary<string, string>();
        foreach (var (day, range, start, end) in ranges)
        {
            form[$"Days[{day}].Ranges[{range}].Start"] = start;
            form[$"Days[{day}].Ranges[{range}].End"] = end;
        }
        return form;
    }

    [Fact]
    public async Task A_therapist_takes_fridays_off_and_splits_tuesday_and_the_calendar_and_the_dialog_follow()
    {
        var practice = await App.PracticeAsync(timeZone: "Europe/London");
        await App.AssistantAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync(practice.Owner.Email);
        var page = await browser.GetPageAsync("/settings/working-hours");
        // The practice's usual week until saved: Monday first, 09:00–17:00.
        Assert.Equal("Monday", page.QuerySelector("fieldset legend")!.TextContent);
        Assert.Equal("09:00", page.QuerySelector("#day-0-0-start")!.GetAttribute("value"));

        // Monday is row 0, Tuesday 1, … Friday 4: Tuesday 08:30–12:00 and 14:00–20:00, Friday empty.
        var saved = await browser.SubmitAsync(page, "main form", Week((1, 0, "08:30", "12:00"), (1, 1, "14:00", "20:00"), (4, 0, "", "")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var monday = NextMonday();
        var calendar = await browser.GetPageAsync($"/calendar?view=week&date={monday:yyyy-MM-dd}");
        string[] Working(DateOnly day) => calendar.QuerySelectorAll($".cal-day[data-date='{day:yyyy-MM-dd}'] [data-working]")
            .Select(e => e.GetAttribute("data-working")!).ToArray();
        Assert.Equal(["09:00–17:00"], Working(monday));
        Assert.Equal(["08:30–12:00", "14:00–20:00"], Working(monday.AddDays(1)));
        Assert.Empty(Working(monday.AddDays(4)));

        var dialog = await browser.AsHtmx().GetPageAsync($"/appointments/new?date={monday.AddDays(1):yyyy-MM-dd}");
        Assert.Equal("08:30", dialog.QuerySelector("#appointment-start")!.GetAttribute("value"));

        // The assistant's week is their own: still the practice's usual one.
        var assistant = await App.SignedInAsync("ruth@example.com");
        var theirs = await assistant.GetPageAsync($"/calendar?view=week&date={monday:yyyy-MM-dd}");
        Assert.Single(theirs.QuerySelectorAll($".cal-day[data-date='{monday.AddDays(4):yyyy-MM-dd}'] [data-working]"));

        // Back to the practice's usual week.
        page = await browser.GetPageAsync("/settings/working-hours");
        Assert.NotNull(page.QuerySelector("button[formaction='?handler=Reset']"));
        var token = page.QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var reset = await browser.PostAsync("/settings/working-hours?handler=Reset",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Null(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == practice.Owner.Id).Select(u => u.WorkingHours).SingleAsync()));
    }

    [Fact]
    public async Task Wrong_ranges_are_named_by_day_and_nothing_is_saved()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var browser = await App.SignedInAsync(practice.Owner.Email);
        var page = await browser.GetPageAsync("/settings/working-hours");
        Assert.Equal("Sunday", page.QuerySelector("fieldset legend")!.TextContent);

        var refused = await browser.AsHtmx().SubmitAsync(page, "main form", Week((0, 0, "18:00", "08:00"), (1, 0, "09:00", "13:00"), (1, 1, "12:00", ""), (2, 0, "nine", "17:00")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = (await refused.ParseAsync()).QuerySelectorAll(".field-error").Select(e => e.TextContent).ToArray();
        Assert.Contains(errors, e => e.Contains("Sunday") && e.Contains("ends before it starts"));
        Assert.Contains(errors, e => e.Contains("Monday") && e.Contains("start and an end"));
        Assert.Contains(errors, e => e.Contains("Tuesday"));
        Assert.Null(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == practice.Owner.Id).Select(u => u.WorkingHours).SingleAsync()));
    }
}
