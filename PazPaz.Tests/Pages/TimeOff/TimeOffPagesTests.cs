using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.TimeOff;

/// <summary>The time off form (calendar dialog, or a page from Settings), Settings → Time off, and the calendar's blocks.</summary>
public sealed class TimeOffPagesTests(PazPazApp app) : AppTest(app)
{
    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");

    private DateOnly Ahead(DayOfWeek weekday)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime).AddDays(2);
        while (day.DayOfWeek != weekday) day = day.AddDays(1);
        return day;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd");

    [Fact]
    public async Task An_assistant_adds_repeating_time_off_from_settings_and_the_calendar_shows_it_hatched_with_its_label()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        await App.AssistantAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync("ruth@example.com");
        var friday = Ahead(DayOfWeek.Friday);

        var settings = await browser.GetPageAsync("/settings/time-off");
        Assert.Contains("No time off ahead.", settings.Body!.TextContent);
        Assert.NotNull(settings.QuerySelector("nav[aria-label=Settings] a[href='/settings/time-off'][aria-current=page]"));
        var form = await browser.GetPageAsync("/time-off/new?returnTo=settings&date=" + Iso(friday));
        var saved = await browser.SubmitAsync(form, "#time-off-panel form", new Dictionary<string, string>
        {
            ["Input.Label"] = "Day off", ["Input.Date"] = Iso(friday), ["Input.EndDate"] = Iso(friday), ["Input.Repeat"] = "true",
            ["Input.Weekdays"] = "friday", ["Input.Until"] = Iso(friday.AddDays(14)),
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/settings/time-off", saved.Headers.Location!.OriginalString);

        var list = await browser.GetPageAsync("/settings/time-off");
        Assert.Contains("Every Friday · next", list.QuerySelector("[data-time-off-row]")!.TextContent);
        Assert.Contains("3 to come", list.QuerySelector("[data-time-off-row]")!.TextContent);

        var week = await browser.GetPageAsync($"/calendar?view=week&date={Iso(friday)}");
        var block = week.QuerySelector($".cal-day[data-date='{Iso(friday)}'] [data-time-off]")!;
        Assert.Contains("time-off-hatch", block.ClassName);
        Assert.Contains("Day off", block.TextContent);
        Assert.NotNull(block.QuerySelector("[data-repeats]"));
        Assert.NotNull(week.QuerySelector($"[data-agenda-day='{Iso(friday)}'] [data-time-off]"));
        var month = await browser.GetPageAsync($"/calendar?view=month&date={Iso(friday)}");
        Assert.NotNull(month.QuerySelector($".cal-month-day[data-date='{Iso(friday)}'] [data-time-off]"));

        // Delete from the list: the ones still to come go.
        var deleted = await browser.SubmitAsync(list, "[data-time-off-row] form");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().CountAsync(t => t.DeletedAt == null)));
    }

    [Fact]
    public async Task The_form_refuses_bad_input_with_422_and_warns_over_appointments_until_added_anyway()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var client = await App.ClientAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync("dana@example.com");
        var monday = Ahead(DayOfWeek.Monday);
        await App.WithDbAsync(async db =>
        {
            var start = TimeZones.ToUtc(monday.ToDateTime(new TimeOnly(10, 0)), Jerusalem);
            db.Add(Appointment.Create(practice.Workspace.Id, client.Id, start, start.AddHours(1), LocationType.Clinic));
            await db.SaveChangesAsync();
        });
        browser.DefaultRequestHeaders.Add("HX-Request", "true");
        var form = await browser.GetPageAsync("/time-off/new?date=" + Iso(monday));

        var bad = await browser.SubmitAsync(form, "#time-off-panel form", new Dictionary<string, string> { ["Input.Date"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("Choose a day.", (await bad.ParseAsync()).QuerySelector("#Input-Date-error")!.TextContent);

        var warned = await browser.SubmitAsync(form, "#time-off-panel form", new Dictionary<string, string> { ["Input.Label"] = "Dentist" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, warned.StatusCode);
        var warning = await warned.ParseAsync();
        Assert.Contains("N.C.", warning.QuerySelector("[data-testid=time-off-conflicts]")!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().CountAsync()));

        var anyway = await browser.SubmitAsync(warning, "#time-off-panel form");
        Assert.Equal(HttpStatusCode.NoContent, anyway.StatusCode);
        Assert.Contains("appointment-saved", anyway.Headers.GetValues("HX-Trigger").Single());
        Assert.Equal(1, await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().CountAsync()));
        Assert.Equal(AppointmentStatus.Scheduled, await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task Another_practices_time_off_page_is_not_found()
    {
        await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var other = await App.PracticeAsync(name: "Other", email: "yael@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        var day = Ahead(DayOfWeek.Monday);
        var start = TimeZones.ToUtc(day.ToDateTime(new TimeOnly(9, 0)), Jerusalem);
        var created = await (await api.PostJsonAsync("/api/v1/time-off", new { starts_at = start, ends_at = start.AddHours(2) })).JsonAsync();
        var browser = await App.SignedInAsync("yael@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/time-off/{created["id"]}")).StatusCode);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task Time_off_over_several_days_at_set_times_keeps_its_span_when_saved_from_the_form()
    {
        await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var api = await App.ApiClientAsync("dana@example.com");
        var monday = Ahead(DayOfWeek.Monday);
        var (start, end) = (TimeZones.ToUtc(monday.ToDateTime(new TimeOnly(14, 0)), Jerusalem), TimeZones.ToUtc(monday.AddDays(2).ToDateTime(new TimeOnly(12, 0)), Jerusalem));
        var created = await (await api.PostJsonAsync("/api/v1/time-off", new { label = "Course", starts_at = start, ends_at = end })).JsonAsync();
        var browser = await App.SignedInAsync("dana@example.com");

        var form = await browser.GetPageAsync($"/time-off/{created["id"]}");
        Assert.Equal((Iso(monday), Iso(monday.AddDays(2))), (form.QuerySelector("#time-off-date")?.GetAttribute("value"), form.QuerySelector("#time-off-end-date")?.GetAttribute("value")));
        var saved = await browser.SubmitAsync(form, "#time-off-panel form", new Dictionary<string, string> { ["Input.Label"] = "Manual therapy course" });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await App.WithDbAsync(db => db.TimeOff.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((start, end, "Manual therapy course"), (stored.StartsAt, stored.EndsAt, stored.Label));
    }

    [Fact]
    public async Task Moving_an_appointment_onto_a_day_off_asks_first_naming_the_whole_day()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var api = await App.ApiClientAsync("dana@example.com");
        var (thursday, friday) = (Ahead(DayOfWeek.Thursday), Ahead(DayOfWeek.Thursday).AddDays(1));
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/time-off",
            new { all_day = true, start_date = Iso(friday), label = "Day off" })).StatusCode);
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, TimeZones.ToUtc(thursday.ToDateTime(new TimeOnly(10, 0)), Jerusalem));
        var browser = await App.SignedInAsync("dana@example.com");

        var asked = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/reschedule", ("start", $"{Iso(friday)}T10:00"));

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("This overlaps Time off · Day off all day. Move anyway?", (await asked.ParseAsync()).Body!.TextContent);
    }
}
