using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Clients;

public sealed class ClientFormTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task A_new_client_is_saved_with_every_field_and_opens_with_a_flash()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/clients/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.FirstName"] = " Noa ", ["Input.LastName"] = "Cohen", ["Input.Email"] = "noa@example.com",
            ["Input.Phone"] = "+972 50 555 1234", ["Input.DateOfBirth"] = "1990-04-02", ["Input.Address"] = "Herzl 1, Haifa",
            ["Input.MedicalHistory"] = "Asthma", ["Input.EmergencyContactName"] = "Avi Cohen", ["Input.EmergencyContactPhone"] = "050-1111111",
            ["Input.Notes"] = "Prefers mornings", ["Input.Tags"] = "sports, knee, Sports", ["Input.ConsentToStoreData"] = "true",
            ["Input.HideNameOutsidePazPaz"] = "true",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var client = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal($"/clients/{client.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(practice.Workspace.Id, client.WorkspaceId);
        Assert.Equal(("Noa", "Cohen", "noa@example.com", "+972 50 555 1234"), (client.FirstName, client.LastName, client.Email, client.Phone));
        Assert.Equal(new DateOnly(1990, 4, 2), client.DateOfBirth);
        Assert.Equal(("Herzl 1, Haifa", "Asthma", "Avi Cohen", "050-1111111", "Prefers mornings"),
            (client.Address, client.MedicalHistory, client.EmergencyContactName, client.EmergencyContactPhone, client.Notes));
        Assert.Equal(["sports", "knee"], client.Tags);
        Assert.True(client.ConsentToStoreData);
        Assert.True(client.HideNameOutsidePazPaz);

        var details = await browser.GetPageAsync($"/clients/{client.Id}");
        Assert.Contains("Noa Cohen was added.", details.QuerySelector("#flash")!.TextContent);
        Assert.Contains("Asthma", details.Body!.TextContent);
    }

    [Fact]
    public async Task An_invalid_client_comes_back_with_field_errors_and_nothing_is_saved()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/clients/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.FirstName"] = "  ", ["Input.LastName"] = new string('x', 256), ["Input.Email"] = "not-an-address",
            ["Input.Phone"] = new string('1', 51), ["Input.DateOfBirth"] = "2099-01-01",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Equal("Enter a first name.", page.QuerySelector("#Input_FirstName-error")!.TextContent);
        Assert.Contains("at most 255 characters", page.QuerySelector("#Input_LastName-error")!.TextContent);
        Assert.Contains("valid e-mail address", page.QuerySelector("#Input_Email-error")!.TextContent);
        Assert.Contains("at most 50 characters", page.QuerySelector("#Input_Phone-error")!.TextContent);
        Assert.Contains("date of birth", page.QuerySelector("#Input_DateOfBirth-error")!.TextContent);
        var email = page.QuerySelector("#Input_Email")!;
        Assert.Equal("true", email.GetAttribute("aria-invalid"));
        Assert.Contains("Input_Email-error", email.GetAttribute("aria-describedby"));
        Assert.Equal("not-an-address", email.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("main form [role=alert]"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task An_invalid_client_posted_by_htmx_answers_422_with_the_form()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/clients/new");
        browser.DefaultRequestHeaders.Add("HX-Request", "true");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.FirstName"] = "Noa", ["Input.LastName"] = "" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Equal("Enter a last name.", page.QuerySelector("#Input_LastName-error")!.TextContent);
        Assert.Equal("Noa", page.QuerySelector("#Input_FirstName")!.GetAttribute("value"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task Editing_a_client_shows_the_saved_values_and_saves_the_changes()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync("dana@example.com");

        var form = await browser.GetPageAsync($"/clients/{client.Id}/edit");
        Assert.Equal("Noa", form.QuerySelector("#Input_FirstName")!.GetAttribute("value"));
        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string>
        {
            ["Input.LastName"] = "Levi", ["Input.Email"] = "noa.levi@example.com", ["Input.Tags"] = "pregnancy",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/clients/{client.Id}", response.Headers.Location?.OriginalString);
        var saved = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Noa", "Levi", "noa.levi@example.com"), (saved.FirstName, saved.LastName, saved.Email));
        Assert.Equal(["pregnancy"], saved.Tags);
        var details = await browser.GetPageAsync($"/clients/{client.Id}");
        Assert.Contains("Saved.", details.QuerySelector("#flash")!.TextContent);
    }

    [Fact]
    public async Task An_invalid_edit_keeps_the_client_unchanged()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync($"/clients/{client.Id}/edit");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.FirstName"] = "Noga", ["Input.Email"] = "bad@" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await response.ParseAsync()).QuerySelector("#Input_Email-error"));
        Assert.Equal("Noa", (await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).FirstName);
    }

    [Fact]
    public async Task Another_workspaces_client_cannot_be_edited()
    {
        await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var client = await App.ClientAsync(theirs.Workspace.Id, "Secret", "Person");
        var browser = await App.SignedInAsync("me@example.com");
        var ownForm = await browser.GetPageAsync("/clients/new");

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/clients/{client.Id}/edit")).StatusCode);
        // The antiforgery token of one of my own forms, posted at their client's edit URL.
        var token = ownForm.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var post = await browser.PostAsync($"/clients/{client.Id}/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Input.FirstName"] = "Hacked", ["Input.LastName"] = "Hacked",
        }));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("Secret", (await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync())).FirstName);
    }
}
