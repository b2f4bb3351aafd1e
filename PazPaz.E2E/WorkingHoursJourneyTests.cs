using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class WorkingHoursJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    [Fact]
    public Task Therapist_splits_tuesday_and_sees_the_calendar_shade_the_break() =>
        RunJourneyAsync(nameof(Therapist_splits_tuesday_and_sees_the_calendar_shade_the_break), async page =>
        {
            await SignInAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Working hours" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your working hours" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the working hours page");

            await page.GetByLabel("Tuesday, range 1, until").FillAsync("12:00");
            await page.GetByLabel("Tuesday, range 2, from").FillAsync("15:00");
            await page.GetByLabel("Tuesday, range 2, until").FillAsync("19:00");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Working hours saved.")).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, "working-hours-desktop");
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the working hours page on a phone");
            await SaveReviewShotAsync(page, "working-hours-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);

            var tuesday = Tuesday(JourneyBlock.WorkingHours, 0);
            await OpenWeekAsync(page, tuesday);
            var working = page.Locator($".cal-day[data-date='{Iso(tuesday)}'] [data-working]");
            await Expect(working).ToHaveCountAsync(2);
            Assert.Equal(["08:00–12:00", "15:00–19:00"], await working.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.working)"));
            await Expect(page.Locator($".cal-day[data-date='{Iso(tuesday.AddDays(3))}'] [data-working]")).ToHaveCountAsync(0); // Friday off
            await page.Locator("#calendar-scroll").EvaluateAsync("el => el.scrollTop = 7 * 48");
            await SaveReviewShotAsync(page, "working-hours-week");

            // Back to the practice's usual week, for the other journeys.
            await page.GotoAsync("/settings/working-hours");
            await page.GetByRole(AriaRole.Button, new() { Name = "Use the practice's usual week" }).ClickAsync();
            await Expect(page.GetByText("Back to the practice's usual week.")).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Tuesday, range 2, from")).ToHaveValueAsync("");
        });
}
