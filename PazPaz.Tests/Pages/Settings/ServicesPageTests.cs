using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class ServicesPageTests(PazPazApp app) : AppTest(app)
{
    private static List<string> Names(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("[data-testid=service-name]").Select(e => e.TextContent.Trim()).ToList();

    private Task<Service> SeedServiceAsync(Guid workspaceId, string name, int minutes = 60, bool archived = false) => App.WithDbAsync(async db =>
    {
        var service = Service.Create(workspaceId, name, minutes);
        if (archived) service.Archive();
        db.Add(service);
        await db.SaveChangesAsync();
        return service;
    });

    private Task BookAsync(Guid workspaceId, Guid serviceId, bool deleted = false) => App.WithDbAsync(async db =>
    {
        var client = Client.Create(workspaceId, "Noa", "Cohen");
        var start = App.Clock.GetUtcNow().AddDays(1);
        var appointment = Appointment.Create(workspaceId, client.Id, start, start.AddHours(1), LocationType.Clinic, serviceId);
        if (deleted) appointment.Delete(App.Clock.GetUtcNow());
        db.AddRange(client, appointment);
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Services_are_listed_by_name_and_archived_ones_only_when_asked()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedServiceAsync(practice.Workspace.Id, "sports massage");
        await SeedServiceAsync(practice.Workspace.Id, "Initial assessment", 90);
        await SeedServiceAsync(practice.Workspace.Id, "Cupping", archived: true);
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/settings/services");
        Assert.Equal(["Initial assessment", "sports massage"], Names(page));
        Assert.Contains("90 min", page.QuerySelector("ul[aria-label=Services]")!.TextContent);

        var all = await browser.GetPageAsync(page.QuerySelector("a[href='/settings/services?archived=true']")!.GetAttribute("href")!);
        Assert.Equal(["Cupping", "Initial assessment", "sports massage"], Names(all));
        Assert.Contains("Archived", all.QuerySelectorAll("ul[aria-label=Services] li")[0].TextContent);
    }

    [Fact]
    public async Task A_new_service_is_saved_and_listed_with_a_flash()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/services/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.Name"] = "Deep tissue", ["Input.DefaultDurationMinutes"] = "75", ["Input.Description"] = "Slow, firm pressure",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((practice.Workspace.Id, "Deep tissue", 75, "Slow, firm pressure"), (saved.WorkspaceId, saved.Name, saved.DefaultDurationMinutes, saved.Description));
        var list = await browser.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("“Deep tissue” was added.", list.QuerySelector("#flash")!.TextContent);
        Assert.Equal(["Deep tissue"], Names(list));
    }

    [Theory]
    [InlineData("", "60", "Input_Name-error", "Enter a name.")]
    [InlineData("Massage", "0", "Input_DefaultDurationMinutes-error", "between 1 minute and 24 hours")]
    [InlineData("Massage", "1441", "Input_DefaultDurationMinutes-error", "between 1 minute and 24 hours")]
    [InlineData("Massage", "an hour", "Input_DefaultDurationMinutes-error", "not valid")]
    public async Task An_invalid_service_is_refused_with_a_field_error(string name, string minutes, string errorId, string message)
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/services/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = name, ["Input.DefaultDurationMinutes"] = minutes });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Contains(message, page.QuerySelector($"#{errorId}")!.TextContent);
        Assert.Single(page.QuerySelectorAll(".field-error"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_name_already_used_in_the_workspace_is_refused_whatever_its_case()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var other = await App.PracticeAsync("Other", "other@example.com");
        await SeedServiceAsync(practice.Workspace.Id, "Sports massage");
        await SeedServiceAsync(other.Workspace.Id, "Cupping");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/settings/services/new");
        browser.DefaultRequestHeaders.Add("HX-Request", "true");

        var duplicate = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = "  SPORTS massage " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
        Assert.Equal("A service with this name already exists.", (await duplicate.ParseAsync()).QuerySelector("#Input_Name-error")!.TextContent);

        // Another workspace's names do not count.
        var elsewhere = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.Name"] = "Cupping" });
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.Equal(2, await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().CountAsync(s => s.WorkspaceId == practice.Workspace.Id)));
    }

    [Fact]
    public async Task Editing_a_service_saves_it_and_may_keep_its_own_name()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var service = await SeedServiceAsync(practice.Workspace.Id, "Massage");
        await SeedServiceAsync(practice.Workspace.Id, "Cupping");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/settings/services/{service.Id}/edit");
        Assert.Equal("Massage", form.QuerySelector("#Input_Name")!.GetAttribute("value"));
        Assert.Equal("60", form.QuerySelector("#Input_DefaultDurationMinutes")!.GetAttribute("value"));

        var taken = await browser.SubmitAsync(form, "main form:not([action])", new Dictionary<string, string> { ["Input.Name"] = "cupping" });
        Assert.Equal("A service with this name already exists.", (await taken.ParseAsync()).QuerySelector("#Input_Name-error")!.TextContent);

        var saved = await browser.SubmitAsync(form, "main form:not([action])", new Dictionary<string, string> { ["Input.Name"] = "MASSAGE", ["Input.DefaultDurationMinutes"] = "45" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync(s => s.Id == service.Id));
        Assert.Equal(("MASSAGE", 45), (stored.Name, stored.DefaultDurationMinutes));
    }

    [Fact]
    public async Task Archiving_hides_a_service_and_restoring_offers_it_again()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var service = await SeedServiceAsync(practice.Workspace.Id, "Massage");
        var browser = await App.SignedInAsync("dana@example.com");

        var form = await browser.GetPageAsync($"/settings/services/{service.Id}/edit");
        var archived = await browser.SubmitAsync(form, "form[action*='handler=Archive']");
        var list = await browser.GetPageAsync(archived.Headers.Location!.OriginalString);
        Assert.Contains("was archived", list.QuerySelector("#flash")!.TextContent);
        Assert.Empty(Names(list));
        Assert.False((await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync())).IsActive);

        var archivedForm = await browser.GetPageAsync($"/settings/services/{service.Id}/edit");
        Assert.NotNull(archivedForm.QuerySelector("[data-testid=archived-badge]"));
        await browser.SubmitAsync(archivedForm, "form[action*='handler=Restore']");
        Assert.True((await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync())).IsActive);
        Assert.Equal(["Massage"], Names(await browser.GetPageAsync("/settings/services")));
    }

    [Fact]
    public async Task Deleting_an_unused_service_removes_it()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var service = await SeedServiceAsync(practice.Workspace.Id, "Massage");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/settings/services/{service.Id}/edit");
        Assert.NotNull(form.QuerySelector("form[action*='handler=Delete'][data-confirm]"));

        var deleted = await browser.SubmitAsync(form, "form[action*='handler=Delete']");

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().CountAsync()));
        Assert.Contains("“Massage” was deleted.", (await browser.GetPageAsync(deleted.Headers.Location!.OriginalString)).QuerySelector("#flash")!.TextContent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deleting_a_service_that_appointments_use_archives_it_and_says_so(bool appointmentDeleted)
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var service = await SeedServiceAsync(practice.Workspace.Id, "Massage");
        await BookAsync(practice.Workspace.Id, service.Id, appointmentDeleted);
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/settings/services/{service.Id}/edit");

        var deleted = await browser.SubmitAsync(form, "form[action*='handler=Delete']");

        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.False(stored.IsActive);
        var list = await browser.GetPageAsync(deleted.Headers.Location!.OriginalString);
        Assert.Contains("is used by appointments, so it was archived instead of deleted", list.QuerySelector("#flash")!.TextContent);
    }

    [Fact]
    public async Task Another_workspaces_service_is_not_found()
    {
        await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var service = await SeedServiceAsync(theirs.Workspace.Id, "Their massage");
        var browser = await App.SignedInAsync("me@example.com");
        var own = await browser.GetPageAsync("/settings/services/new");
        var token = own.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/settings/services/{service.Id}/edit")).StatusCode);
        foreach (var handler in new[] { "", "?handler=Archive", "?handler=Delete" })
        {
            var response = await browser.PostAsync($"/settings/services/{service.Id}/edit{handler}", new FormUrlEncodedContent(
                new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Input.Name"] = "Mine now", ["Input.DefaultDurationMinutes"] = "30" }));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var stored = await App.WithDbAsync(db => db.Services.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Their massage", true), (stored.Name, stored.IsActive));
        Assert.DoesNotContain("Their massage", await browser.GetStringAsync("/settings/services?archived=true"));
    }
}
