using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class ApiTokensJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    [Fact]
    public Task Therapist_creates_an_api_token_uses_it_and_revokes_it() =>
        RunJourneyAsync(nameof(Therapist_creates_an_api_token_uses_it_and_revokes_it), async page =>
        {
            var name = "Journey " + Guid.NewGuid().ToString("N")[..6];
            await SignInAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New API token" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the API tokens page");

            await page.GetByLabel("Name").FillAsync(name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
            var fresh = page.GetByRole(AriaRole.Region, new() { Name = "Your new API token" });
            await Expect(fresh).ToBeVisibleAsync();
            await Expect(fresh).ToContainTextAsync("you will not see it again");
            var token = await page.GetByLabel("API token", new() { Exact = true }).InputValueAsync();
            Assert.StartsWith("pzp_", token);
            await page.GetByRole(AriaRole.Button, new() { Name = "Copy the API token" }).ClickAsync();
            await Expect(page.Locator("[data-copy-status]")).ToHaveTextAsync(new Regex("Copied|Ctrl\\+C"));
            await Expect(page.Locator("[data-token-id]").Filter(new() { HasText = name })).ToContainTextAsync(token[..10]);
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the API tokens page with a new token");
            await SaveReviewShotAsync(page, "api-tokens-created-desktop");
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await SaveReviewShotAsync(page, "api-tokens-created-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);

            using var api = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients")).StatusCode);

            // Shown once: a fresh load lists the token by its prefix only.
            await page.ReloadAsync();
            await Expect(fresh).ToHaveCountAsync(0);
            Assert.DoesNotContain(token, await page.ContentAsync());

            var row = page.Locator("[data-token-id]").Filter(new() { HasText = name });
            await row.GetByText("Revoke").First.ClickAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = $"Yes, revoke “{name}”" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "revoked" })).ToBeVisibleAsync();
            await Expect(page.Locator("[data-token-id]").Filter(new() { HasText = name })).ToHaveCountAsync(0);
            await SaveReviewShotAsync(page, "api-tokens-revoked-desktop");

            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients")).StatusCode);
        });
}
