using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class LocationsPageTests(PazPazApp app) : AppTest(app)
{
    private static List<string> Names(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("[data-testid=location-name]").Select(e => e.TextContent.Trim()).ToList();

    private Task<Location> SeedLocationAsync(Guid workspaceId, string name, LocationType type = LocationType.Clinic, bool archived = false) =>
        App.WithDbAsync(async db =>
        {
            var location = Location.Create(workspaceId, name, type, type == LocationType.Online ? null : "Herzl 1, Haifa");
            if (archived) location.Archive();
            db.Add(location);
            await db.SaveChangesAsync();
            return location;
        });

    [Fact]
    public async Task Locations_are_listed_by_name_with_their_type()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedLocationAsync(practice.Workspace.Id, "video call", LocationType.Online);
        await SeedLocationAsync(practice.Workspace.Id, "Clinic");
        await SeedLocationAsync(practice.Workspace.Id, "Old room", archived: true);
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/settings/locations");

        Assert.Equal(["Clinic", "video call"], Names(page));
        Assert.Contains("Online", page.QuerySelectorAll("ul[aria-label=Locations] li")[1].TextContent);
        Assert.Equal(["Clinic", "Old room", "video call"], Names(await browser.GetPageAsync("/settings/locations?archived=true")));
    }

    [Fact]
    public async Task A_clinic_needs_an_address_and_an_online_room_does_not()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/locations/new");
        Assert.Equal(["clinic", "home", "online"], form.QuerySelectorAll("#Input_LocationType option").Select(o => o.GetAttribute("value")).ToList());

        var refused = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = "Clinic", ["Input.LocationType"] = "clinic", ["Input.Address"] = " " });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var again = await refused.ParseAsync();
        Assert.Equal("A clinic needs an address.", again.QuerySelector("#Input_Address-error")!.TextContent);
        Assert.Equal("clinic", again.QuerySelector("#Input_LocationType option[selected]")!.GetAttribute("value"));

        var homeRefused = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = "Home visits", ["Input.LocationType"] = "home" });
        Assert.Equal("A home visit location needs an address.", (await homeRefused.ParseAsync()).QuerySelector("#Input_Address-error")!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().CountAsync()));

        var online = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.Name"] = "Video call", ["Input.LocationType"] = "online", ["Input.Details"] = "https://meet.example/dana",
        });
        Assert.Equal(HttpStatusCode.Redirect, online.StatusCode);
        var saved = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((practice.Workspace.Id, "Video call", LocationType.Online, (string?)null, "https://meet.example/dana"),
            (saved.WorkspaceId, saved.Name, saved.LocationType, saved.Address, saved.Details));
    }

    [Fact]
    public async Task A_location_name_already_used_is_refused_whatever_its_case()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedLocationAsync(practice.Workspace.Id, "Clinic");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/locations/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.Name"] = "CLINIC", ["Input.LocationType"] = "clinic", ["Input.Address"] = "Elsewhere 2",
        });

        Assert.Equal("A location with this name already exists.", (await response.ParseAsync()).QuerySelector("#Input_Name-error")!.TextContent);
        Assert.Equal(1, await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task Editing_a_location_changes_its_type_and_details()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var location = await SeedLocationAsync(practice.Workspace.Id, "Room 2");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/settings/locations/{location.Id}/edit");
        Assert.Equal("clinic", form.QuerySelector("#Input_LocationType option[selected]")!.GetAttribute("value"));

        var response = await browser.SubmitAsync(form, "main form:not([action])", new Dictionary<string, string>
        {
            ["Input.LocationType"] = "online", ["Input.Address"] = "", ["Input.Details"] = "Zoom",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((LocationType.Online, (string?)null, "Zoom"), (saved.LocationType, saved.Address, saved.Details));
    }

    [Fact]
    public async Task Deleting_a_location_removes_it_when_unused_and_archives_it_when_appointments_use_it()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var unused = await SeedLocationAsync(practice.Workspace.Id, "Spare room");
        var used = await SeedLocationAsync(practice.Workspace.Id, "Main clinic");
        await App.WithDbAsync(async db =>
        {
            var client = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
            var start = App.Clock.GetUtcNow().AddDays(-3);
            var appointment = Appointment.Create(practice.Workspace.Id, client.Id, start, start.AddHours(1), LocationType.Clinic, locationId: used.Id);
            db.AddRange(client, appointment);
            await db.SaveChangesAsync();
        });
        var browser = await App.SignedInAsync("dana@example.com");

        var gone = await browser.SubmitAsync(await browser.GetPageAsync($"/settings/locations/{unused.Id}/edit"), "form[action*='handler=Delete']");
        Assert.Contains("was deleted", (await browser.GetPageAsync(gone.Headers.Location!.OriginalString)).QuerySelector("#flash")!.TextContent);
        var kept = await browser.SubmitAsync(await browser.GetPageAsync($"/settings/locations/{used.Id}/edit"), "form[action*='handler=Delete']");
        Assert.Contains("archived instead of deleted", (await browser.GetPageAsync(kept.Headers.Location!.OriginalString)).QuerySelector("#flash")!.TextContent);

        var remaining = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().ToListAsync());
        var only = Assert.Single(remaining);
        Assert.Equal((used.Id, false), (only.Id, only.IsActive));
    }

    [Fact]
    public async Task Another_workspaces_location_is_not_found()
    {
        await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var location = await SeedLocationAsync(theirs.Workspace.Id, "Their clinic");
        var browser = await App.SignedInAsync("me@example.com");
        var token = (await browser.GetPageAsync("/settings/locations/new")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/settings/locations/{location.Id}/edit")).StatusCode);
        foreach (var handler in new[] { "", "?handler=Archive", "?handler=Restore", "?handler=Delete" })
        {
            var response = await browser.PostAsync($"/settings/locations/{location.Id}/edit{handler}", new FormUrlEncodedContent(
                new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Input.Name"] = "Mine now", ["Input.LocationType"] = "online" }));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var stored = await App.WithDbAsync(db => db.Locations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Their clinic", LocationType.Clinic, true), (stored.Name, stored.LocationType, stored.IsActive));
    }
}
