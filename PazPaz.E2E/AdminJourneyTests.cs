using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class AdminJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private const string AdminEmail = "ops@pazpaz.example";

    [Fact]
    public Task Platform_admin_finds_a_practice_suspends_and_reactivates_it_and_blocks_an_address() =>
        RunJourneyAsync(nameof(Platform_admin_finds_a_practice_suspends_and_reactivates_it_and_blocks_an_address), async page =>
        {
            var practice = $"Harbour Physio {Guid.NewGuid().ToString()[..6]}";
            await SeedAsync(practice);
            await page.GotoAsync(await App.CreateSignInLinkAsync(AdminEmail));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Practices" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the practices list");

            await page.GetByLabel("Name").FillAsync(practice);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show practices" }).ClickAsync();
            await Expect(page.Locator("[data-testid=practice]")).ToHaveCountAsync(1);
            await SaveReviewShotAsync(page, "admin-practices-desktop");
            await page.GetByRole(AriaRole.Link, new() { Name = practice }).ClickAsync();
            await Expect(page.GetByTestId("practice-status")).ToHaveTextAsync("Active");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "a practice's page");
            await SaveReviewShotAsync(page, "admin-practice-desktop");

            await page.GetByRole(AriaRole.Button, new() { Name = $"Suspend {practice}" }).ClickAsync();
            await Expect(page.GetByTestId("practice-status")).ToHaveTextAsync("Suspended");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Reactivate {practice}" }).ClickAsync();
            await Expect(page.GetByTestId("practice-status")).ToHaveTextAsync("Active");

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Blocked addresses" }).ClickAsync();
            await page.GetByLabel("E-mail address").FillAsync(" Spam@Example.COM ");
            await page.GetByLabel("Reason (optional)").FillAsync("Sign-up abuse");
            await page.GetByRole(AriaRole.Button, new() { Name = "Block", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("blocked").Filter(new() { HasText = "spam@example.com" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the blocklist");

            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await SaveReviewShotAsync(page, "admin-blocklist-phone");
            await page.GotoAsync("/admin");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the practices list on a phone");
            await SaveReviewShotAsync(page, "admin-practices-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        });

    [Fact]
    public Task Platform_admin_invites_a_therapist_who_accepts_and_lands_on_an_empty_calendar() =>
        RunJourneyAsync(nameof(Platform_admin_invites_a_therapist_who_accepts_and_lands_on_an_empty_calendar), async page =>
        {
            var suffix = Guid.NewGuid().ToString()[..6];
            var (address, practice) = ($"lior-{suffix}@example.com", $"Lior Mizrahi Physio {suffix}");
            await SeedAsync($"Unrelated practice {suffix}");
            await page.GotoAsync(await App.CreateSignInLinkAsync(AdminEmail));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await page.GotoAsync("/admin");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Invitations" }).ClickAsync();
            await page.GetByLabel("Therapist’s name").FillAsync("Lior Mizrahi");
            await page.GetByLabel("E-mail address").FillAsync(address);
            await page.GetByLabel("Practice name").FillAsync(practice);
            await page.GetByLabel("Time zone").FillAsync("Asia/Jerusalem");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Expect(page.GetByTestId("invitation").Filter(new() { HasText = address })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the admin's invitations");
            await SaveReviewShotAsync(page, "admin-invitations-desktop");

            await using var theirs = await App.Browser.NewContextAsync(new() { BaseURL = App.BaseUrl, ViewportSize = Desktop });
            var therapist = await theirs.NewPageAsync();
            var email = therapist.GetByRole(AriaRole.Article).Filter(new() { HasText = address }).First;
            await OpenMailboxAsync(therapist, email);
            var link = await email.GetByRole(AriaRole.Link).Filter(new() { HasText = "/invitations/" }).First.GetAttributeAsync("href")
                ?? throw new InvalidOperationException("The invitation e-mail has no link.");
            await therapist.GotoAsync(link);
            await therapist.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
            await Expect(therapist).ToHaveURLAsync(new Regex("/calendar"));
            await Expect(therapist.Locator("#calendar-region[data-ready='true']")).ToBeVisibleAsync();
            await Expect(therapist.GetByTestId("workspace-name")).ToHaveTextAsync(practice);
            await Expect(therapist.Locator("[data-appointment-id]")).ToHaveCountAsync(0);

            await page.ReloadAsync();
            await Expect(page.GetByTestId("invitation").Filter(new() { HasText = address })).ToHaveCountAsync(0); // accepted
        });

    /// <summary>The operator's own practice with its platform admin (once), and a therapist's practice to look after.</summary>
    private async Task SeedAsync(string practiceName)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var now = App.Clock.GetUtcNow();
        if (!await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == AdminEmail))
        {
            var ops = Workspace.Create("PazPaz Operations", "UTC", now);
            var admin = User.Create(ops.Id, AdminEmail, "Omer Operator", UserRole.Owner, now);
            admin.MakePlatformAdmin();
            db.AddRange(ops, admin);
        }
        var practice = Workspace.Create(practiceName, "Asia/Jerusalem", now);
        db.AddRange(practice, User.Create(practice.Id, $"owner-{practice.Id:N}@example.com", "Maya Harel", UserRole.Owner, now));
        await db.SaveChangesAsync();
    }
}
