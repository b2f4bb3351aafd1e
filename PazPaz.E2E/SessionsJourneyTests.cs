using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class SessionsJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private const string PhoneAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    [Fact]
    public Task Therapist_signed_in_on_two_devices_ends_the_other_session_from_settings() =>
        RunJourneyAsync(nameof(Therapist_signed_in_on_two_devices_ends_the_other_session_from_settings), async laptop =>
        {
            // Earlier journeys' sessions of the demo therapist would be listed too: start from none.
            using (var scope = App.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<PazPazDb>().UserSessions.IgnoreQueryFilters()
                    .Where(s => s.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, App.Clock.GetUtcNow()));

            await SignInAsync(laptop);
            await using var phoneContext = await App.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = App.BaseUrl, ViewportSize = Phone, Locale = "en-US", UserAgent = PhoneAgent,
            });
            var phone = await phoneContext.NewPageAsync();
            await SignInAsync(phone);

            await laptop.GotoAsync("/settings");
            await laptop.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Sessions" }).ClickAsync();
            await Expect(laptop).ToHaveURLAsync(new Regex("/settings/sessions$"));
            var sessions = laptop.GetByRole(AriaRole.List, new() { Name = "Active sessions" }).GetByRole(AriaRole.Listitem);
            await Expect(sessions).ToHaveCountAsync(2);
            await Expect(sessions.First).ToContainTextAsync("This device");
            var phoneRow = sessions.Filter(new() { HasText = "Safari on iPhone" });
            await Expect(phoneRow).ToHaveCountAsync(1);
            await Expect(phoneRow).Not.ToContainTextAsync("This device");
            await AssertNoSeriousAccessibilityViolationsAsync(laptop, "Settings → Sessions");
            await SaveReviewShotAsync(laptop, "settings-sessions-desktop");

            await phoneRow.GetByRole(AriaRole.Button, new() { Name = "End" }).ClickAsync();
            await Expect(sessions).ToHaveCountAsync(1);
            await Expect(sessions.First).ToContainTextAsync("This device");

            // The phone is signed out at its next step; the laptop is not.
            await phone.GotoAsync("/clients");
            await Expect(phone).ToHaveURLAsync(new Regex("/sign-in"));
            await laptop.GotoAsync("/clients");
            await Expect(laptop).ToHaveURLAsync(new Regex("/clients$"));

            await laptop.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await laptop.GotoAsync("/settings/sessions");
            await AssertNoSeriousAccessibilityViolationsAsync(laptop, "Settings → Sessions on a phone");
            await SaveReviewShotAsync(laptop, "settings-sessions-phone");
        });
}
