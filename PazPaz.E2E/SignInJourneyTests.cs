using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed partial class SignInJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private const string WorkspaceName = "Dana Levi Physiotherapy";

    [Fact]
    public Task Therapist_signs_in_with_an_emailed_link_and_signs_out() =>
        RunJourneyAsync(nameof(Therapist_signs_in_with_an_emailed_link_and_signs_out), async page =>
        {
            // Signed out, the home page sends you to the sign-in form.
            await page.GotoAsync("/");
            await Expect(page).ToHaveURLAsync(SignInUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the sign-in page");

            await page.GetByLabel("E-mail address").FillAsync(DemoEmail);
            await page.GetByRole(AriaRole.Button, new() { Name = "E-mail me a sign-in link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();

            // The local mailbox shows the e-mail the app wrote to the pickup folder, newest first.
            var email = page.GetByRole(AriaRole.Article, new() { Name = "Your PazPaz sign-in link" })
                .Filter(new() { HasText = DemoEmail }).First;
            await OpenMailboxAsync(page, email);
            var linkAnchor = email.GetByRole(AriaRole.Link).Filter(new() { HasText = "/sign-in/link?token=" }).First;
            await Expect(linkAnchor).ToBeVisibleAsync();
            var link = await linkAnchor.GetAttributeAsync("href") ?? throw new InvalidOperationException("The link has no href.");
            Assert.StartsWith($"{App.BaseUrl}/sign-in/link?token=", link);

            // Opening the link only shows a confirmation button: mail scanners that fetch links cannot sign anyone in.
            await page.GotoAsync(link);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to PazPaz" })).ToBeVisibleAsync();
            var signIn = page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
            await Expect(signIn).ToBeVisibleAsync();
            await AssertSignedOutAsync(page);

            await signIn.ClickAsync();
            await Expect(page).ToHaveURLAsync(PathUrl("/calendar"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Calendar", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Welcome, Dana Levi." })).ToBeVisibleAsync();
            var header = page.GetByRole(AriaRole.Banner);
            await Expect(header.GetByText(WorkspaceName)).ToBeVisibleAsync();
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            foreach (var name in new[] { "Calendar", "Clients", "Settings" })
                await Expect(nav.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Calendar", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the calendar");

            await header.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(SignInUrl());
            await Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Banner)).ToHaveCountAsync(0);

            await page.GotoAsync("/calendar");
            await Expect(page).ToHaveURLAsync(SignInUrl());
            await AssertSignedOutAsync(page);

            // The link worked once; the second time it is refused.
            await page.GotoAsync(link);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This link no longer works" })).ToBeVisibleAsync();
            await AssertSignedOutAsync(page);
        });

    [Fact]
    public Task Sign_in_page_and_calendar_load_without_Content_Security_Policy_errors() =>
        RunJourneyAsync(nameof(Sign_in_page_and_calendar_load_without_Content_Security_Policy_errors), async page =>
        {
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error") lock (errors) errors.Add($"{page.Url}: {message.Text}");
            };
            page.PageError += (_, error) => { lock (errors) errors.Add($"{page.Url}: uncaught {error}"); };

            await page.GotoAsync("/sign-in");
            await Expect(page.GetByLabel("E-mail address")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            var link = await App.CreateSignInLinkAsync(DemoEmail);
            await page.GotoAsync(link);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(PathUrl("/calendar"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Calendar", Level = 1 })).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            List<string> snapshot;
            lock (errors) snapshot = [.. errors];
            var csp = snapshot.Where(e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(csp.Count == 0, "Content Security Policy errors in the console:\n" + string.Join("\n", csp));
            foreach (var error in snapshot) Output.WriteLine($"Console error (not CSP): {error}");
        });

    [Theory]
    [InlineData("desktop", 1280, 800)]
    [InlineData("phone", 390, 844)]
    public Task Sign_in_mailbox_and_calendar_fit_the_screen_width(string device, int width, int height) =>
        RunJourneyAsync($"{nameof(Sign_in_mailbox_and_calendar_fit_the_screen_width)}_{device}", async page =>
        {
            await page.GotoAsync("/sign-in");
            await Expect(page.GetByLabel("E-mail address")).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, $"sign-in-{device}");
            await AssertNoHorizontalScrollAsync(page, "the sign-in page");

            await page.GetByLabel("E-mail address").FillAsync(DemoEmail);
            await page.GetByRole(AriaRole.Button, new() { Name = "E-mail me a sign-in link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, $"sign-in-sent-{device}");
            await AssertNoHorizontalScrollAsync(page, "the check-your-e-mail page");

            await OpenMailboxAsync(page, page.GetByRole(AriaRole.Article).First);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Local mailbox" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Article).First).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, $"mailbox-{device}");
            await AssertNoHorizontalScrollAsync(page, "the mailbox");

            await page.GotoAsync(await App.CreateSignInLinkAsync(DemoEmail));
            await SaveReviewShotAsync(page, $"link-{device}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Calendar", Level = 1 })).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, $"calendar-{device}");
            await AssertNoHorizontalScrollAsync(page, "the calendar");
        }, new ViewportSize { Width = width, Height = height });

    private static async Task AssertSignedOutAsync(IPage page)
    {
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "pazpaz.session");
        // Same cookie jar as the page: a protected page still answers with a redirect to the sign-in form.
        var response = await page.APIRequest.GetAsync("/calendar", new() { MaxRedirects = 0 });
        Assert.Equal(302, response.Status);
        Assert.Matches(SignInUrl(), response.Headers["location"]);
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what} is {widths[0]}px wide in a {widths[1]}px window (horizontal scrolling).");
    }

    private static Regex PathUrl(string path) => new($"^https?://[^/]+{Regex.Escape(path)}$");

    [GeneratedRegex(@"/sign-in(\?|$)")]
    private static partial Regex SignInUrl();
}
