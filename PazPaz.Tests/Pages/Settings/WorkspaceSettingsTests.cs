using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class WorkspaceSettingsTests(PazPazApp app) : AppTest(app)
{
    private Task AddAssistantAsync(Guid workspaceId, string email) => App.WithDbAsync(async db =>
    {
        db.Add(User.Create(workspaceId, email, "Ari Assistant", UserRole.Assistant, App.Clock.GetUtcNow()));
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task The_owner_renames_the_practice_and_changes_its_time_zone()
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync("/settings/workspace");
        Assert.Equal("Sea Breeze", page.QuerySelector("#Input_Name")!.GetAttribute("value"));
        Assert.Equal("zones", page.QuerySelector("#Input_TimeZone")!.GetAttribute("list"));
        var zones = page.QuerySelectorAll("datalist#zones option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Contains("Asia/Jerusalem", zones);
        Assert.Equal(zones.Order(StringComparer.Ordinal), zones);
        Assert.Matches(@"^UTC[+−]\d\d:\d\d$", page.QuerySelector("datalist#zones option[value='Asia/Tokyo']")!.TextContent);

        var response = await browser.SubmitAsync(page, values: new Dictionary<string, string>
        {
            ["Input.Name"] = " Sea Breeze Physio ", ["Input.TimeZone"] = "Asia/Jerusalem",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze Physio", "Asia/Jerusalem"), (saved.Name, saved.TimeZone));
        var after = await browser.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("Saved.", after.QuerySelector("#flash")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("local", "09:15")]     // the zone was set wrong: 09:15 stays 09:15
    [InlineData("instants", "11:15")]  // the practice moved: the same moment is 11:15 in Jerusalem
    public async Task Changing_the_zone_with_appointments_ahead_asks_first_and_does_what_was_chosen(string choice, string shownAt)
    {
        var practice = await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var client = await App.ClientAsync(practice.Workspace.Id);
        var london = TimeZones.Find("Europe/London");
        var jerusalem = TimeZones.Find("Asia/Jerusalem");
        // A winter day well ahead, 09:15 in London (GMT = UTC; Jerusalem is UTC+2 then).
        var day = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        while (day.Month is not (12 or 1)) day = day.AddDays(1);
        var start = TimeZones.ToUtc(day.ToDateTime(new TimeOnly(9, 15)), london);
        var past = await App.AppointmentAsync(practice.Workspace.Id, client.Id, App.Clock.GetUtcNow().AddDays(-2));
        var ahead = await App.AppointmentAsync(practice.Workspace.Id, client.Id, start);
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync("/settings/workspace");

        var asked = await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.TimeZone"] = "Asia/Jerusalem" });

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var question = await asked.ParseAsync();
        Assert.Contains("1 appointment is booked from now on", question.QuerySelector("[data-testid=zone-change]")!.TextContent);
        Assert.Equal("Europe/London", (await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync())).TimeZone);

        var saved = await browser.SubmitAsync(question, "main form", new Dictionary<string, string> { ["Input.Appointments"] = choice });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Asia/Jerusalem", (await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync())).TimeZone);
        var moved = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == ahead.Id));
        Assert.Equal(shownAt, TimeZoneInfo.ConvertTime(moved.ScheduledStart, jerusalem).ToString("HH:mm"));
        Assert.Equal(TimeSpan.FromHours(1), moved.ScheduledEnd - moved.ScheduledStart);
        Assert.Equal(past.ScheduledStart, (await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == past.Id))).ScheduledStart);
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceType == "Workspace" && a.WorkspaceId == practice.Workspace.Id).Select(a => a.Metadata).ToListAsync());
        var choices = audited.Where(m => m != null && m.Contains("appointments_moved")).ToList();
        Assert.True(choices.Count == 1, string.Join(" | ", audited));
        Assert.Contains(choice == "local" ? "kept_local_times" : "kept_instants", choices[0]);
    }

    [Fact]
    public async Task An_unknown_zone_or_an_empty_name_is_refused_with_field_errors()
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync("/settings/workspace");

        var response = await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.Name"] = " ", ["Input.TimeZone"] = "Mars/Olympus" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var form = await response.ParseAsync();
        Assert.Contains("not a time zone we know", form.QuerySelector("#Input_TimeZone-error")!.TextContent);
        Assert.Equal("Enter the practice's name.", form.QuerySelector("#Input_Name-error")!.TextContent);
        Assert.Equal("Mars/Olympus", form.QuerySelector("#Input_TimeZone")!.GetAttribute("value"));
        var saved = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze", "Europe/London"), (saved.Name, saved.TimeZone));
    }

    [Fact]
    public async Task A_windows_zone_id_is_not_accepted()
    {
        await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync("/settings/workspace");

        var response = await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.TimeZone"] = "GMT Standard Time" });

        Assert.NotNull((await response.ParseAsync()).QuerySelector("#Input_TimeZone-error"));
        Assert.Equal("Europe/London", (await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync())).TimeZone);
    }

    [Fact]
    public async Task An_assistant_cannot_open_nor_post_the_workspace_settings()
    {
        var practice = await App.PracticeAsync("Sea Breeze", "dana@example.com", "Europe/London");
        await AddAssistantAsync(practice.Workspace.Id, "ari@example.com");
        var assistant = await App.SignedInAsync("ari@example.com");

        var refused = await assistant.GetAsync("/settings/workspace");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the practice owner", (await refused.ParseAsync()).QuerySelector("main")!.TextContent);

        // The assistant's own antiforgery token (from the sign-out form), posted as if the form were there.
        var overview = await assistant.GetPageAsync("/settings");
        var token = overview.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await assistant.PostAsync("/settings/workspace", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Input.Name"] = "Taken over", ["Input.TimeZone"] = "Asia/Tokyo",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var saved = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Sea Breeze", "Europe/London"), (saved.Name, saved.TimeZone));
    }

    [Fact]
    public async Task The_settings_overview_links_to_each_section()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/settings");

        var tabs = page.QuerySelectorAll("nav[aria-label=Settings] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/settings", "/settings/workspace", "/settings/team", "/settings/services", "/settings/locations", "/settings/working-hours", "/settings/notifications", "/settings/calendar-sync", "/settings/security", "/settings/sessions", "/settings/api-tokens", "/settings/audit"], tabs);
        Assert.Equal("page", page.QuerySelector("nav[aria-label=Settings] a[href='/settings']")!.GetAttribute("aria-current"));
    }
}
