using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Totp = PazPaz.Auth.Totp;

namespace PazPaz.E2E;

/// <summary>
/// A therapist turns on two-step sign-in, reading the key off the page as a person types it into an app, then signs in
/// with link + code and once more with a backup code. Codes are computed with Otp.NET for the app's clock, so the journey
/// passes at any instant: a code typed as the 30-second step turns is still inside the ±1 step window, and the clock is
/// moved a minute on between sign-ins because a code's step can be used only once.
/// </summary>
public sealed class TwoStepSignInJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    [Theory]
    [InlineData("desktop", 1280, 800)]
    [InlineData("phone", 390, 844)]
    public Task Therapist_turns_on_two_step_sign_in_then_signs_in_with_a_code_and_with_a_backup_code(string device, int width, int height) =>
        RunJourneyAsync($"{nameof(Therapist_turns_on_two_step_sign_in_then_signs_in_with_a_code_and_with_a_backup_code)}_{device}", async page =>
        {
            var email = await NewPracticeAsync(device);
            var cspErrors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error" && message.Text.Contains("Content Security Policy")) lock (cspErrors) cspErrors.Add(message.Text);
            };

            await SignInWithLinkAsync(page, email);
            await Expect(page).ToHaveURLAsync(new Regex(@"/calendar(\?|$)"));

            await page.GotoAsync("/settings/security");
            await Expect(page.GetByTestId("two-factor-status")).ToHaveTextAsync("Off");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the Security page");
            await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-step sign-in" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
            var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").Trim();
            await Expect(page.GetByLabel("Set-up link (for apps that take one)")).ToHaveValueAsync(new Regex($"^otpauth://totp/PazPaz:.*secret={secret}&issuer=PazPaz"));
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the set-up step");
            await AssertFitsAsync(page, "the set-up step");
            await SaveReviewShotAsync(page, $"security-enrol-{device}");

            await page.GetByLabel("6-digit code").FillAsync(Totp.CodeAt(secret, App.Clock.GetUtcNow()));
            await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step sign-in" }).ClickAsync();

            var codes = page.GetByRole(AriaRole.List, new() { Name = "Backup codes" }).GetByRole(AriaRole.Listitem);
            await Expect(codes).ToHaveCountAsync(8);
            var backupCodes = (await codes.AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download as a text file" }).ClickAsync());
            Assert.Equal("pazpaz-backup-codes.txt", download.SuggestedFilename);
            var file = await File.ReadAllTextAsync(await download.PathAsync());
            Assert.All(backupCodes, c => Assert.Contains(c, file));
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the backup codes");
            await AssertFitsAsync(page, "the backup codes");
            await SaveReviewShotAsync(page, $"security-backup-codes-{device}");

            await page.GetByRole(AriaRole.Link, new() { Name = "I have saved them" }).ClickAsync();
            await Expect(page.GetByTestId("two-factor-status")).ToHaveTextAsync("On");
            await Expect(page.GetByTestId("backup-codes-left")).ToHaveTextAsync("8 of 8");
            await SaveReviewShotAsync(page, $"security-on-{device}");
            await SignOutAsync(page);

            // Link, then the code the app shows now (a later step than the set-up's).
            App.Clock.Set(App.Clock.GetUtcNow().AddMinutes(1));
            await SignInWithLinkAsync(page, email);
            await Expect(page).ToHaveURLAsync(new Regex("/sign-in/code$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter your code" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the code page");
            await AssertFitsAsync(page, "the code page");
            await SaveReviewShotAsync(page, $"sign-in-code-{device}");
            await page.GetByLabel("Code").FillAsync(Totp.CodeAt(secret, App.Clock.GetUtcNow()));
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/calendar(\?|$)"));
            // On a phone the calendar moves on to its day view at once, taking the flash with it.
            if (device == "desktop") await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Welcome, Noa Bar." })).ToBeVisibleAsync();
            await SignOutAsync(page);

            // No phone to hand: a backup code, once.
            App.Clock.Set(App.Clock.GetUtcNow().AddMinutes(1));
            await SignInWithLinkAsync(page, email);
            await page.GetByLabel("Code").FillAsync(backupCodes[2]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/calendar(\?|$)"));
            if (device == "desktop") await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "You have 7 backup codes left." })).ToBeVisibleAsync();
            await SignOutAsync(page);

            await SignInWithLinkAsync(page, email);
            await page.GetByLabel("Code").FillAsync(backupCodes[2]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "That code is not right" })).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/sign-in/code$"));

            lock (cspErrors) Assert.True(cspErrors.Count == 0, "Content Security Policy errors:\n" + string.Join("\n", cspErrors));
        }, new ViewportSize { Width = width, Height = height });

    /// <summary>A practice of its own, so the demo therapist other journeys sign in as never meets a code page.</summary>
    private async Task<string> NewPracticeAsync(string device)
    {
        var email = $"noa.{device}.{Guid.NewGuid():N}@example.com";
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var now = App.Clock.GetUtcNow();
        var workspace = Workspace.Create("Noa Bar Psychotherapy", "Europe/London", now);
        db.AddRange(workspace, User.Create(workspace.Id, email, "Noa Bar", UserRole.Owner, now));
        await db.SaveChangesAsync();
        return email;
    }

    private async Task SignInWithLinkAsync(IPage page, string email)
    {
        await page.GotoAsync(await App.CreateSignInLinkAsync(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/sign-in$"));
    }

    private static async Task AssertFitsAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what} is {widths[0]}px wide in a {widths[1]}px window (horizontal scrolling).");
    }
}
