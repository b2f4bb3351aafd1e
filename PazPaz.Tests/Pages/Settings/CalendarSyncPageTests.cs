using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class CalendarSyncPageTests(PazPazApp app) : AppTest(app)
{
    private async Task<(HttpClient Browser, Seed.Practice Practice)> SignedInAsync()
    {
        var practice = await App.PracticeAsync();
        return (await App.SignedInAsync("dana@example.com"), practice);
    }

    private static async Task<string> CreateThroughTheFormAsync(HttpClient browser, Dictionary<string, string>? values = null)
    {
        var form = await browser.GetPageAsync("/settings/calendar-sync/new");
        Assert.Equal("PazPaz – Dana Levi", form.QuerySelector("#Input_Name")!.GetAttribute("value"));
        var created = await browser.SubmitAsync(form, values: values);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        return created.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task Creating_a_feed_shows_its_links_once_and_the_link_serves_the_calendar()
    {
        var (browser, _) = await SignedInAsync();

        var editUrl = await CreateThroughTheFormAsync(browser);

        var page = await browser.GetPageAsync(editUrl);
        var https = page.QuerySelector("#feed-url")!.GetAttribute("value")!;
        var webcal = page.QuerySelector("#feed-webcal")!.GetAttribute("value")!;
        Assert.StartsWith("http://localhost/calendar/", https);
        Assert.Equal("webcal://localhost/calendar/" + https["http://localhost/calendar/".Length..], webcal);
        Assert.NotNull(page.QuerySelector("[data-copy='feed-url']"));
        Assert.Contains("Google", page.QuerySelector("#feed-link")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(new Uri(https).PathAndQuery)).StatusCode);

        var again = await browser.GetPageAsync(editUrl);
        Assert.Null(again.QuerySelector("#feed-url"));
        Assert.DoesNotContain(new Uri(https).Segments[^1], again.Source.Text);
        var list = await browser.GetPageAsync("/settings/calendar-sync");
        Assert.Contains("PazPaz – Dana Levi", list.QuerySelector("main")!.TextContent);
        Assert.Contains("A calendar app last fetched it just now.", list.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task Rotating_from_the_page_kills_the_old_link_and_shows_the_new_one_and_revoking_removes_the_feed()
    {
        var (browser, _) = await SignedInAsync();
        var editUrl = await CreateThroughTheFormAsync(browser);
        var oldLink = new Uri((await browser.GetPageAsync(editUrl)).QuerySelector("#feed-url")!.GetAttribute("value")!).PathAndQuery;

        var rotated = await browser.SubmitAsync(await browser.GetPageAsync(editUrl), "form[action*='handler=Rotate']");
        Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);
        var page = await browser.GetPageAsync(editUrl);
        var newLink = new Uri(page.QuerySelector("#feed-url")!.GetAttribute("value")!).PathAndQuery;
        Assert.NotEqual(oldLink, newLink);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(oldLink)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(newLink)).StatusCode);

        var revoked = await browser.SubmitAsync(page, "form[action*='handler=Revoke']");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(newLink)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(editUrl)).StatusCode);
    }

    [Fact]
    public async Task Saving_settings_changes_the_titles_and_the_preview_shows_what_subscribers_will_see()
    {
        var (browser, practice) = await SignedInAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var start = App.Clock.GetUtcNow().AddDays(1);
        await App.WithDbAsync(async db =>
        {
            db.Appointments.Add(Appointment.Create(practice.Workspace.Id, client.Id, start, start.AddHours(1), LocationType.Home, locationDetails: "12 Rose Lane"));
            await db.SaveChangesAsync();
        });
        var editUrl = await CreateThroughTheFormAsync(browser);
        var link = new Uri((await browser.GetPageAsync(editUrl)).QuerySelector("#feed-url")!.GetAttribute("value")!).PathAndQuery;

        var form = await browser.GetPageAsync(editUrl);
        Assert.Contains("Session", form.QuerySelector("#feed-preview")!.TextContent);
        Assert.Contains("hidden", form.QuerySelector("#full-name-warning")!.ClassName);
        var saved = await browser.SubmitAsync(form, "main form:not([action])", new Dictionary<string, string>
        {
            ["Input.PrivacyPreset"] = "ClientFullName", ["Input.ShowPrivateLocations"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var after = await browser.GetPageAsync(editUrl);
        Assert.Contains("Noa Cohen", after.QuerySelector("#feed-preview")!.TextContent);
        Assert.Contains("Home visit: 12 Rose Lane", after.QuerySelector("#feed-preview")!.TextContent);
        Assert.DoesNotContain("hidden", after.QuerySelector("#full-name-warning")!.ClassName);
        var e = Parsed.Events(await (await App.Browser().GetAsync(link)).Content.ReadAsStringAsync()).Single();
        Assert.Equal(("Noa Cohen", "Home visit: 12 Rose Lane", 1), (e.Summary, e.Location, e.Sequence));

        var preview = await browser.GetAsync("/settings/calendar-sync/preview?Input.PrivacyPreset=ClientInitials&Input.WindowDaysAhead=365");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var fragment = await preview.Content.ReadAsStringAsync();
        Assert.Contains("N.C.", fragment);
        Assert.DoesNotContain("<html", fragment);
    }

    [Fact]
    public async Task Invalid_settings_are_shown_in_the_form()
    {
        var (browser, _) = await SignedInAsync();
        var form = await browser.GetPageAsync("/settings/calendar-sync/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = "", ["Input.WindowDaysAhead"] = "0" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Equal("true", page.QuerySelector("#Input_Name")!.GetAttribute("aria-invalid"));
        Assert.Equal("true", page.QuerySelector("#Input_WindowDaysAhead")!.GetAttribute("aria-invalid"));
        Assert.Equal(0, await App.WithDbAsync(db => db.CalendarFeeds.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task Another_users_feed_page_answers_404()
    {
        var (browser, _) = await SignedInAsync();
        var editUrl = await CreateThroughTheFormAsync(browser);
        await App.PracticeAsync("Other Practice", "ruth@example.com");
        var ruth = await App.SignedInAsync("ruth@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await ruth.GetAsync(editUrl)).StatusCode);
        Assert.DoesNotContain("PazPaz – Dana Levi", await (await ruth.GetAsync("/settings/calendar-sync")).Content.ReadAsStringAsync());
    }
}
