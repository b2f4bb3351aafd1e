using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Clients;

public sealed class ClientDetailsTests(PazPazApp app) : AppTest(app)
{
    private const string Zone = "Asia/Jerusalem";

    private static string Shown(DateTimeOffset start, DateTimeOffset end)
    {
        var zone = TimeZones.Find(Zone);
        var (s, e) = (TimeZoneInfo.ConvertTime(start, zone), TimeZoneInfo.ConvertTime(end, zone));
        return $"{s:ddd d MMM yyyy}, {s:HH:mm}–{e:HH:mm}";
    }

    [Fact]
    public async Task The_client_page_shows_details_next_and_last_appointments_and_both_lists_in_the_practice_zone()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com", timeZone: Zone);
        var workspaceId = practice.Workspace.Id;
        var now = App.Clock.GetUtcNow();
        var client = await App.ClientAsync(workspaceId, "Noa", "Cohen");
        var other = await App.ClientAsync(workspaceId, "Dan", "Levi");
        DateTimeOffset At(double days) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(days).AddHours(8);
        await App.WithDbAsync(async db =>
        {
            var massage = Service.Create(workspaceId, "Sports massage", 60);
            db.Add(massage);
            var clientDetails = await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == client.Id);
            clientDetails.Update(clientDetails.Details() with { Email = "noa@example.com", MedicalHistory = "Old knee injury", Tags = ["runner"] }, new DateOnly(2026, 1, 1));
            Appointment Book(Guid clientId, double days)
            {
                var a = Appointment.Create(workspaceId, clientId, At(days), At(days).AddHours(1), LocationType.Clinic, massage.Id);
                db.Add(a);
                return a;
            }
            Book(client.Id, -7).Complete(now);
            Book(client.Id, -3).ChangeStatus(AppointmentStatus.NoShow, hasSessionNote: false, now);
            Book(client.Id, 1).ChangeStatus(AppointmentStatus.Cancelled, hasSessionNote: false, now);
            Book(client.Id, 2);
            Book(client.Id, 9);
            Book(client.Id, 4).Delete(now);
            Book(other.Id, 1);
            await db.SaveChangesAsync();
        });
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync($"/clients/{client.Id}");

        Assert.Equal("Noa Cohen", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains("noa@example.com", page.QuerySelector("main")!.TextContent);
        Assert.Contains("Old knee injury", page.QuerySelector("main")!.TextContent);
        Assert.Contains("runner", page.QuerySelector("main")!.TextContent);
        Assert.Equal(Shown(At(2), At(2).AddHours(1)), page.QuerySelector("[data-testid=next-appointment]")!.TextContent.Trim());
        Assert.Equal(Shown(At(-7), At(-7).AddHours(1)), page.QuerySelector("[data-testid=last-appointment]")!.TextContent.Trim());
        Assert.Equal("5", page.QuerySelector("[data-testid=appointment-count]")!.TextContent.Trim());
        var upcoming = page.QuerySelectorAll("[data-testid=upcoming] li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, upcoming.Count);
        Assert.Contains(Shown(At(2), At(2).AddHours(1)), upcoming[0]);
        Assert.Contains("Sports massage", upcoming[0]);
        Assert.Contains(Shown(At(9), At(9).AddHours(1)), upcoming[1]);
        var past = page.QuerySelectorAll("[data-testid=past] li").Select(li => li.TextContent).ToList();
        Assert.Equal(2, past.Count);
        Assert.Contains("No-show", past[0]);
        Assert.Contains("Completed", past[1]);
    }

    [Fact]
    public async Task A_client_without_appointments_says_so()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var client = await App.ClientAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync($"/clients/{client.Id}");

        Assert.Equal("None booked", page.QuerySelector("[data-testid=next-appointment]")!.TextContent.Trim());
        Assert.Equal("None yet", page.QuerySelector("[data-testid=last-appointment]")!.TextContent.Trim());
        Assert.Equal("0", page.QuerySelector("[data-testid=appointment-count]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Another_workspaces_client_cannot_be_archived()
    {
        await App.PracticeAsync("Mine", "me@example.com");
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var own = await App.ClientAsync((await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Name == "Mine"))).Id);
        var theirClient = await App.ClientAsync(theirs.Workspace.Id, "Secret", "Person");
        var browser = await App.SignedInAsync("me@example.com");
        var ownPage = await browser.GetPageAsync($"/clients/{own.Id}");
        var token = ownPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var response = await browser.PostAsync($"/clients/{theirClient.Id}?handler=Archive",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == theirClient.Id))).IsActive);
    }
}
