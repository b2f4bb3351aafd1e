using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Clients;

public sealed class ClientListTests(PazPazApp app) : AppTest(app)
{
    private static List<string> Names(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("#client-results [data-testid=client-name]").Select(e => e.TextContent.Trim()).ToList();

    private Task SeedClientAsync(Guid workspaceId, string first, string last, string? email = null, string? phone = null, bool archived = false) =>
        App.WithDbAsync(async db =>
        {
            var client = Client.Create(workspaceId, first, last);
            client.UpdateContact(email, phone, null);
            if (archived) client.Archive();
            db.Add(client);
            await db.SaveChangesAsync();
        });

    [Fact]
    public async Task Clients_are_listed_by_last_then_first_name_ignoring_case()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedClientAsync(practice.Workspace.Id, "noa", "cohen");
        await SeedClientAsync(practice.Workspace.Id, "Avi", "Cohen");
        await SeedClientAsync(practice.Workspace.Id, "Dan", "ben-David");
        await SeedClientAsync(practice.Workspace.Id, "Zoe", "Abadi");
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/clients");

        Assert.Equal(["Abadi, Zoe", "ben-David, Dan", "Cohen, Avi", "cohen, noa"], Names(page));
    }

    [Fact]
    public async Task Searching_matches_name_email_or_phone_and_every_word()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedClientAsync(practice.Workspace.Id, "Noa", "Cohen", "noa@sea.example");
        await SeedClientAsync(practice.Workspace.Id, "Avi", "Cohen", phone: "+972-50-555-1234");
        await SeedClientAsync(practice.Workspace.Id, "Dan", "Levi", "dan@lake.example");
        await SeedClientAsync(practice.Workspace.Id, "Jacob", "Ben-David", "jacob.bd@example.com", "03 555 7777");
        var browser = await App.SignedInAsync("dana@example.com");

        Assert.Equal(["Cohen, Avi", "Cohen, Noa"], Names(await browser.GetPageAsync("/clients?q=COH")));
        // Words are matched from their start: "co" finds the Cohens, not "Jacob" nor every ".com" address.
        Assert.Equal(["Cohen, Avi", "Cohen, Noa"], Names(await browser.GetPageAsync("/clients?q=co")));
        Assert.Equal(["Ben-David, Jacob"], Names(await browser.GetPageAsync("/clients?q=dav")));
        Assert.Equal(["Levi, Dan"], Names(await browser.GetPageAsync("/clients?q=lake")));
        Assert.Equal(["Ben-David, Jacob"], Names(await browser.GetPageAsync("/clients?q=jacob.bd%40")));
        Assert.Equal(["Cohen, Avi"], Names(await browser.GetPageAsync("/clients?q=5551234")));
        Assert.Equal(["Cohen, Avi"], Names(await browser.GetPageAsync("/clients?q=50-555-12")));
        Assert.Equal(["Cohen, Noa"], Names(await browser.GetPageAsync("/clients?q=noa%20coh")));
        var none = await browser.GetPageAsync("/clients?q=zzz");
        Assert.Empty(Names(none));
        Assert.Contains("No clients match", none.QuerySelector("#client-results")!.TextContent);
        // The search box keeps the query, so the page can be bookmarked and reloaded.
        Assert.Equal("zzz", none.QuerySelector("input[name=q]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task A_search_percent_sign_is_a_literal_character()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync("dana@example.com");

        Assert.Empty(Names(await browser.GetPageAsync("/clients?q=%25")));
        Assert.Empty(Names(await browser.GetPageAsync("/clients?q=_")));
    }

    [Fact]
    public async Task The_search_box_asks_htmx_for_the_same_url_and_gets_only_the_results()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        await SeedClientAsync(practice.Workspace.Id, "Dan", "Levi");
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync("/clients");
        var box = page.QuerySelector("input[name=q]")!;
        Assert.Equal("/clients", box.GetAttribute("hx-get"));
        Assert.Equal("input changed delay:250ms, search", box.GetAttribute("hx-trigger"));
        var form = box.Closest("form")!;
        Assert.Equal("#client-results", form.GetAttribute("hx-target"));
        Assert.Equal("#client-results", form.GetAttribute("hx-select"));
        Assert.Equal("true", form.GetAttribute("hx-push-url"));

        var request = new HttpRequestMessage(HttpMethod.Get, "/clients?q=lev");
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Target", "client-results");
        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<div id=\"client-results\"", html.TrimStart());
        Assert.DoesNotContain("<html", html);
        Assert.Contains("Levi, Dan", html);
        Assert.DoesNotContain("Cohen, Noa", html);
        Assert.Contains("HX-Request", response.Headers.Vary);
    }

    [Fact]
    public async Task Archived_clients_are_hidden_unless_asked_for()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await SeedClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        await SeedClientAsync(practice.Workspace.Id, "Old", "Client", archived: true);
        var browser = await App.SignedInAsync("dana@example.com");

        Assert.Equal(["Cohen, Noa"], Names(await browser.GetPageAsync("/clients")));
        var all = await browser.GetPageAsync("/clients?archived=true");
        Assert.Equal(["Client, Old", "Cohen, Noa"], Names(all));
        Assert.Contains("Archived", all.QuerySelectorAll("#client-results li")[0].TextContent);
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)all.QuerySelector("input[name=archived]")!).IsChecked);
    }

    [Theory]
    [InlineData("cancel", "Their 2 upcoming appointments were cancelled.")]
    [InlineData("keep", "Their 2 upcoming appointments were kept.")]
    public async Task Archiving_a_client_with_upcoming_appointments_asks_whether_to_cancel_or_keep_them(string choice, string says)
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var now = App.Clock.GetUtcNow();
        var past = await App.AppointmentAsync(practice.Workspace.Id, client.Id, now.AddDays(-3));
        await App.AppointmentAsync(practice.Workspace.Id, client.Id, now.AddDays(2));
        await App.AppointmentAsync(practice.Workspace.Id, client.Id, now.AddDays(9));
        var browser = await App.SignedInAsync("dana@example.com");

        var details = await browser.GetPageAsync($"/clients/{client.Id}");
        var asked = await browser.SubmitAsync(details, "form[action*='handler=Archive']");
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.True((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).IsActive); // nothing happened yet
        var question = await browser.GetPageAsync(asked.Headers.Location!.OriginalString);
        var panel = question.QuerySelector("[data-testid=archive-confirm]")!;
        Assert.Contains("Noa still has 2 upcoming appointments", panel.TextContent);

        var archived = await browser.SubmitAsync(question, "[data-testid=archive-confirm] form", new Dictionary<string, string> { ["upcoming"] = choice });
        Assert.Equal(HttpStatusCode.Redirect, archived.StatusCode);
        Assert.Contains(says, (await browser.GetPageAsync(archived.Headers.Location!.OriginalString)).QuerySelector("#flash")!.TextContent);
        Assert.False((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).IsActive);
        var statuses = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().Where(a => a.Id != past.Id).Select(a => a.Status).ToListAsync());
        Assert.All(statuses, s => Assert.Equal(choice == "cancel" ? AppointmentStatus.Cancelled : AppointmentStatus.Scheduled, s));
        Assert.Equal(AppointmentStatus.Scheduled, (await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == past.Id))).Status);
    }

    [Fact]
    public async Task Archiving_from_the_client_page_hides_the_client_and_restoring_brings_them_back()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync("dana@example.com");

        var details = await browser.GetPageAsync($"/clients/{client.Id}");
        var archived = await browser.SubmitAsync(details, "form[action*='handler=Archive']");
        Assert.Equal(HttpStatusCode.Redirect, archived.StatusCode);
        Assert.False((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).IsActive);
        var archivedPage = await browser.GetPageAsync(archived.Headers.Location!.OriginalString);
        Assert.Contains("was archived", archivedPage.QuerySelector("#flash")!.TextContent);
        Assert.Equal("Archived", archivedPage.QuerySelector("[data-testid=archived-badge]")!.TextContent.Trim());
        Assert.Empty(Names(await browser.GetPageAsync("/clients")));

        var restored = await browser.SubmitAsync(archivedPage, "form[action*='handler=Restore']");
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        var restoredPage = await browser.GetPageAsync(restored.Headers.Location!.OriginalString);
        Assert.Contains("was restored", restoredPage.QuerySelector("#flash")!.TextContent);
        Assert.Null(restoredPage.QuerySelector("[data-testid=archived-badge]"));
        Assert.Equal(["Cohen, Noa"], Names(await browser.GetPageAsync("/clients")));
    }

    [Fact]
    public async Task A_long_list_is_paged_and_keeps_the_search()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < 55; i++) db.Add(Client.Create(practice.Workspace.Id, "Client", $"Number {i:00}"));
            await db.SaveChangesAsync();
        });
        var browser = await App.SignedInAsync("dana@example.com");

        var first = await browser.GetPageAsync("/clients?q=number");
        Assert.Equal(50, Names(first).Count);
        var next = first.QuerySelector("nav[aria-label=Pages] a")!.GetAttribute("href");
        Assert.Equal("/clients?q=number&p=2", next);
        Assert.Equal(["Number 50, Client", "Number 51, Client", "Number 52, Client", "Number 53, Client", "Number 54, Client"],
            Names(await browser.GetPageAsync(next!)));
    }
}
