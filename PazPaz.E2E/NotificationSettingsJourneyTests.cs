using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class NotificationSettingsJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private static ILocator Card(IPage page, string title) => page.GetByRole(AriaRole.Form, new() { Name = title, Exact = true });

    /// <summary>Does <paramref name="action"/> and waits for the card's own save to come back.</summary>
    private static Task<IResponse> SavingAsync(IPage page, string handler, Func<Task> action) =>
        page.RunAndWaitForResponseAsync(action, r => r.Url.Contains($"handler={handler}", StringComparison.Ordinal) && r.Request.Method == "POST");

    private static List<string> WatchForCspErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (errors) errors.Add(message.Text);
        };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        return errors;
    }

    [Fact]
    public Task Therapist_chooses_a_morning_digest_on_weekdays_and_a_short_reminder() =>
        RunJourneyAsync(nameof(Therapist_chooses_a_morning_digest_on_weekdays_and_a_short_reminder), async page =>
        {
            var errors = WatchForCspErrors(page);
            await SignInAsync(page);
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/settings/notifications$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Level = 2 })).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the notification settings");

            var today = Card(page, "Today's schedule");
            var digest = today.GetByRole(AriaRole.Switch, new() { Name = "Today's schedule" });
            await Expect(digest).Not.ToBeCheckedAsync();
            await SavingAsync(page, "Digest", () => digest.CheckAsync());
            await Expect(today.GetByText("Saved")).ToBeVisibleAsync();
            await Expect(page.Locator("#notifications-status")).ToHaveTextAsync("Today's schedule saved.");

            var time = today.GetByLabel("Send at");
            await time.FillAsync("07:30");
            await SavingAsync(page, "Digest", () => time.PressAsync("Tab"));
            await Expect(today.GetByLabel("Send at")).ToHaveValueAsync("07:30");

            // Saturday as well, then the quick pick takes it back to Monday–Friday.
            await SavingAsync(page, "Digest", () => today.GetByText("Sat", new() { Exact = true }).ClickAsync());
            await Expect(today.GetByRole(AriaRole.Checkbox, new() { Name = "Saturday" })).ToBeCheckedAsync();
            await SavingAsync(page, "Digest", () => today.GetByRole(AriaRole.Button, new() { Name = "Weekdays only" }).ClickAsync());
            await Expect(today.GetByRole(AriaRole.Checkbox, new() { Name = "Saturday" })).Not.ToBeCheckedAsync();
            await Expect(today.GetByText("Saved")).ToBeVisibleAsync();

            var reminders = Card(page, "Appointment reminders");
            await SavingAsync(page, "Reminder", () => reminders.GetByLabel("How long before").SelectOptionAsync(new SelectOptionValue { Label = "15 minutes" }));
            await Expect(reminders.GetByText("Saved")).ToBeVisibleAsync();
            await Expect(page.Locator("#notifications-status")).ToHaveTextAsync("Appointment reminders saved.");

            // A time typed the wrong way is refused in place, and nothing changes.
            var tomorrow = Card(page, "Tomorrow's schedule");
            var tomorrowTime = await tomorrow.GetByLabel("Send at").InputValueAsync();
            await tomorrow.GetByLabel("Send at").FillAsync("8:00");
            var refused = await SavingAsync(page, "TomorrowDigest", () => tomorrow.GetByLabel("Send at").PressAsync("Tab"));
            Assert.Equal(422, refused.Status);
            await Expect(tomorrow.GetByText("is not a time")).ToBeVisibleAsync();
            await Expect(tomorrow.GetByLabel("Send at")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(tomorrow.GetByText("Saved")).ToHaveCountAsync(0);
            await SaveReviewShotAsync(page, "notifications-desktop");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the notification settings with a field error");

            await page.ReloadAsync();
            today = Card(page, "Today's schedule");
            await Expect(today.GetByRole(AriaRole.Switch, new() { Name = "Today's schedule" })).ToBeCheckedAsync();
            await Expect(today.GetByLabel("Send at")).ToHaveValueAsync("07:30");
            foreach (var day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" })
                await Expect(today.GetByRole(AriaRole.Checkbox, new() { Name = day })).ToBeCheckedAsync();
            foreach (var day in new[] { "Saturday", "Sunday" })
                await Expect(today.GetByRole(AriaRole.Checkbox, new() { Name = day })).Not.ToBeCheckedAsync();
            await Expect(Card(page, "Appointment reminders").GetByLabel("How long before")).ToHaveValueAsync("15");
            await Expect(Card(page, "Tomorrow's schedule").GetByLabel("Send at")).ToHaveValueAsync(tomorrowTime);

            lock (errors) Assert.True(errors.Count == 0, "Errors in the console:\n" + string.Join("\n", errors));
        });

    [Fact]
    public Task Turning_email_off_warns_and_the_page_fits_a_phone() =>
        RunJourneyAsync(nameof(Turning_email_off_warns_and_the_page_fits_a_phone), async page =>
        {
            await SignInAsync(page);
            await page.GotoAsync("/settings/notifications");
            var master = Card(page, "E-mail notifications");

            await SavingAsync(page, "Email", () => master.GetByRole(AriaRole.Switch, new() { Name = "E-mail notifications" }).UncheckAsync());
            await Expect(master.GetByText("E-mail notifications are off.")).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, "notifications-phone-email-off");
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1], $"The page is {widths[0]}px wide in a {widths[1]}px window.");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the notification settings on a phone");

            // Unticking every day of tomorrow's schedule: the last one is refused with a warning, and stays.
            // The days ticked follow the working week (in Israel, the evenings before Sunday to Thursday).
            var tomorrow = Card(page, "Tomorrow's schedule");
            var ticked = new List<string>();
            foreach (var day in new[] { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" })
                if (await tomorrow.GetByRole(AriaRole.Checkbox, new() { Name = day }).IsCheckedAsync()) ticked.Add(day);
            Assert.True(ticked.Count >= 2, $"Expected at least two days ticked, found {string.Join(", ", ticked)}.");
            foreach (var day in ticked[..^1])
                await SavingAsync(page, "TomorrowDigest", () => tomorrow.GetByText(day[..3], new() { Exact = true }).ClickAsync());
            var refused = await SavingAsync(page, "TomorrowDigest", () => tomorrow.GetByText(ticked[^1][..3], new() { Exact = true }).ClickAsync());
            Assert.Equal(422, refused.Status);
            await Expect(tomorrow.GetByText("Choose at least one day.")).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, "notifications-phone-no-day");
            await page.ReloadAsync();
            await Expect(Card(page, "Tomorrow's schedule").GetByRole(AriaRole.Checkbox, new() { Name = ticked[^1] })).ToBeCheckedAsync();
            await Expect(Card(page, "Tomorrow's schedule").GetByRole(AriaRole.Checkbox, new() { Name = ticked[0] })).Not.ToBeCheckedAsync();

            // Enter in the time field saves the card as it is: it must not press a quick pick.
            tomorrow = Card(page, "Tomorrow's schedule");
            await tomorrow.GetByLabel("Send at").FillAsync("21:15");
            await SavingAsync(page, "TomorrowDigest", () => tomorrow.GetByLabel("Send at").PressAsync("Enter"));
            await Expect(tomorrow.GetByText("Saved")).ToBeVisibleAsync();
            await page.ReloadAsync();
            tomorrow = Card(page, "Tomorrow's schedule");
            await Expect(tomorrow.GetByLabel("Send at")).ToHaveValueAsync("21:15");
            await Expect(tomorrow.GetByRole(AriaRole.Checkbox, new() { Name = ticked[^1] })).ToBeCheckedAsync();
            await Expect(tomorrow.GetByRole(AriaRole.Checkbox, new() { Name = ticked[0] })).Not.ToBeCheckedAsync();

            master = Card(page, "E-mail notifications");
            await SavingAsync(page, "Email", () => master.GetByRole(AriaRole.Switch, new() { Name = "E-mail notifications" }).CheckAsync());
            await Expect(master.GetByText("E-mail notifications are off.")).ToHaveCountAsync(0);
            await page.ReloadAsync();
            await Expect(Card(page, "E-mail notifications").GetByRole(AriaRole.Switch, new() { Name = "E-mail notifications" })).ToBeCheckedAsync();
        }, Phone);
}
