using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class AuditJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    [Fact]
    public Task Owner_filters_the_audit_trail_by_action_and_downloads_the_csv() =>
        RunJourneyAsync(nameof(Owner_filters_the_audit_trail_by_action_and_downloads_the_csv), async page =>
        {
            await SignInAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the audit page");

            // Signing in just now was recorded: filter on it.
            await page.GetByLabel("Action").SelectOptionAsync("Login");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show events" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("action=Login"));
            var rows = page.Locator("[data-audit-id]");
            await Expect(rows.First).ToBeVisibleAsync();
            var actions = await page.Locator("[data-audit-id] [data-field=action]").AllTextContentsAsync();
            Assert.NotEmpty(actions);
            Assert.All(actions, a => Assert.Equal("Login", a));
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the audit page filtered");
            await SaveReviewShotAsync(page, "audit-filtered-desktop");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
            Assert.Equal("audit-trail.csv", download.SuggestedFilename);
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("occurred_at_utc,occurred_at_local,user_id,user,action,", lines[0]);
            Assert.Equal(actions.Count, lines.Length - 1);
            Assert.All(lines.Skip(1), line => Assert.Contains(",Login,", line));

            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the audit page on a phone");
            await SaveReviewShotAsync(page, "audit-filtered-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        });
}
