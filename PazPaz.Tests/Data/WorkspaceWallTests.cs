using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Data;

public sealed class WorkspaceWallTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Another_workspaces_client_answers_404_and_reveals_nothing()
    {
        await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var theirClient = await App.ClientAsync(theirs.Workspace.Id, "Secret", "Person");
        var browser = await App.SignedInAsync("me@example.com");

        var response = await browser.GetAsync($"/clients/{theirClient.Id}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Secret", body);
        Assert.DoesNotContain("Person", body);
        var list = await browser.GetStringAsync("/clients");
        Assert.DoesNotContain("Secret", list);
    }

    [Fact]
    public async Task Own_client_page_opens_and_the_read_is_audited()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        var client = await App.ClientAsync(mine.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync("me@example.com");

        var page = await browser.GetPageAsync($"/clients/{client.Id}");

        Assert.Equal("Noa Cohen", page.QuerySelector("h1")!.TextContent.Trim());
        var read = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .CountAsync(a => a.Action == AuditAction.Read && a.ResourceId == client.Id && a.UserId == mine.Owner.Id));
        Assert.Equal(1, read);
    }

    [Fact]
    public async Task Queries_in_a_request_see_only_the_callers_workspace()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        await App.ClientAsync(mine.Workspace.Id, "Mine", "One");
        await App.ClientAsync(theirs.Workspace.Id, "Theirs", "One");

        using var scope = App.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(mine.Owner.Id, mine.Workspace.Id);
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();

        Assert.Equal(["Mine"], await db.Clients.Select(c => c.FirstName).ToListAsync());
        Assert.Equal([mine.Workspace.Id], await db.Workspaces.Select(w => w.Id).ToListAsync());
        Assert.Equal([mine.Owner.Id], await db.Users.Select(u => u.Id).ToListAsync());
    }

    [Fact]
    public async Task Without_a_signed_in_workspace_a_query_sees_nothing()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        await App.ClientAsync(mine.Workspace.Id);

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();

        Assert.Equal(0, await db.Clients.CountAsync());
        Assert.Equal(1, await db.Clients.IgnoreQueryFilters([PazPazDb.WallFilter]).CountAsync());
    }

    [Fact]
    public async Task Writing_into_another_workspace_is_refused()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");

        using var scope = App.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(mine.Owner.Id, mine.Workspace.Id);
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        db.Clients.Add(Client.Create(theirs.Workspace.Id, "Planted", "Record"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Equal(0, await App.WithDbAsync(d => d.Clients.IgnoreQueryFilters().CountAsync()));
    }
}
