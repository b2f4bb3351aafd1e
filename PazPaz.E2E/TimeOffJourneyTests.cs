using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class TimeOffJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private static ILocator Dialog(IPage page) => page.Locator("#appointment-dialog");

    [Fact]
    public Task Therapist_sets_Fridays_off_sees_them_shaded_and_marked_and_booking_on_one_warns() =>
        RunJourneyAsync(nameof(Therapist_sets_Fridays_off_sees_them_shaded_and_marked_and_booking_on_one_warns), async page =>
        {
            var errors = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add(message.Text); };
            var friday = Tuesday(JourneyBlock.TimeOff, 1).AddDays(3);
            await SignInAsync(page);

            // Working hours: no Friday ranges (the Israeli practice's usual week), so Friday is shaded as a day off.
            await page.GotoAsync("/settings/working-hours");
            await Expect(page.GetByLabel("Friday, range 1, from")).ToHaveValueAsync("");
            await OpenWeekAsync(page, friday);
            await Expect(page.Locator($".cal-day[data-date='{Iso(friday)}'] [data-working]")).ToHaveCountAsync(0);

            // And a day off every Friday, from the calendar's "Time off".
            await page.Locator("#cal-new-time-off").ClickAsync();
            var dialog = Dialog(page);
            await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "New time off" })).ToBeVisibleAsync();
            await dialog.GetByLabel("Label").FillAsync("Day off");
            await Expect(dialog.GetByLabel("All day")).ToBeCheckedAsync();
            await dialog.GetByLabel("Day", new() { Exact = true }).FillAsync(Iso(friday));
            await dialog.GetByLabel("Last day").FillAsync(Iso(friday));
            await dialog.GetByLabel("Repeat every week").CheckAsync();
            foreach (var box in await dialog.Locator("input[name='Input.Weekdays']:checked").AllAsync()) await box.UncheckAsync();
            await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Friday" }).CheckAsync();
            await dialog.GetByLabel("Until").FillAsync(Iso(friday.AddDays(21)));
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the new time off dialog");
            await SaveReviewShotAsync(page, "time-off-dialog-new-desktop");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Add time off" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();

            // Friday: shaded, and marked as time off (hatched, labelled, with the repeat mark).
            var off = page.Locator($".cal-day[data-date='{Iso(friday)}'] [data-time-off]");
            await Expect(off).ToHaveCountAsync(1);
            await Expect(off).ToContainTextAsync("Day off");
            await Expect(off.Locator("[data-repeats]")).ToHaveCountAsync(1);
            await Expect(page.Locator($".cal-day[data-date='{Iso(friday.AddDays(-1))}'] [data-time-off]")).ToHaveCountAsync(0);
            await page.Locator("#calendar-scroll").EvaluateAsync("el => el.scrollTop = 7 * 48");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the week with time off");
            await SaveReviewShotAsync(page, "time-off-week-desktop");

            await page.GotoAsync($"/calendar?view=month&date={Iso(friday)}");
            await Expect(page.Locator($".cal-month-day[data-date='{Iso(friday)}'] [data-time-off]")).ToContainTextAsync("Day off");
            await SaveReviewShotAsync(page, "time-off-month-desktop");
            // Settings → Time off lists it once, with its rule.
            await page.GotoAsync("/settings/time-off");
            await Expect(page.Locator("[data-time-off-row]")).ToContainTextAsync("Every Friday · next");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "Settings → Time off");
            await SaveReviewShotAsync(page, "time-off-settings-desktop");
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await AssertNoSeriousAccessibilityViolationsAsync(page, "Settings → Time off on a phone");
            await SaveReviewShotAsync(page, "time-off-settings-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
            await OpenWeekAsync(page, friday);

            // Booking on the Friday warns, naming the time off and no client.
            await page.Locator($".cal-day[data-date='{Iso(friday)}']").ClickAsync(new() { Position = new() { X = 60, Y = 10 * 48 + 4 } });
            await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "New appointment" })).ToBeVisibleAsync();
            await Expect(dialog.Locator("#conflicts")).ToContainTextAsync("Time off · Day off");
            await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Book anyway" })).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, "time-off-booking-warns-desktop");
            await page.Keyboard.PressAsync("Escape");
            await Expect(dialog).ToBeHiddenAsync();

            // On a phone: the week's list shows it; its dialog offers this / this and following / all.
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            var agendaOff = page.Locator($"[data-agenda-day='{Iso(friday)}'] [data-time-off]");
            await Expect(agendaOff).ToContainTextAsync("Day off");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the week with time off on a phone");
            await SaveReviewShotAsync(page, "time-off-week-phone");
            await agendaOff.ClickAsync();
            await Expect(dialog.GetByTestId("time-off-repeats")).ToContainTextAsync("Every Friday");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the time off dialog on a phone");
            await SaveReviewShotAsync(page, "time-off-dialog-phone");

            // All of it goes, for the other journeys.
            await dialog.GetByLabel("All", new() { Exact = true }).CheckAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete time off" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator("[data-time-off]")).ToHaveCountAsync(0);
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
            lock (errors) Assert.True(errors.Count == 0, "Errors in the console:\n" + string.Join("\n", errors));
        });
}
