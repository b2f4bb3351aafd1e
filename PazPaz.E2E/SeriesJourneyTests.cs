using System.Globalization;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

/// <summary>
/// Recurring appointments in Chromium against the demo practice (Asia/Jerusalem), in the weeks around Israel's next change of
/// clocks (<see cref="JourneyWeeks"/>): twelve weekly sessions that cross it and stay at 10:00.
/// </summary>
public sealed class SeriesJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private static ILocator Dialog(IPage page) => page.Locator("#appointment-dialog");
    private static ILocator Toast(IPage page) => page.Locator("#toast[role=status]");

    private static string Day(DateOnly day) => day.ToDateTime(TimeOnly.MinValue).ToString("ddd d MMM", CultureInfo.InvariantCulture);

    [Fact]
    public Task Therapist_books_twelve_weeks_skipping_a_clash_moves_one_session_and_cancels_the_rest_from_week_8() =>
        RunJourneyAsync(nameof(Therapist_books_twelve_weeks_skipping_a_clash_moves_one_session_and_cancels_the_rest_from_week_8), async page =>
        {
            var errors = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add(message.Text); };
            page.PageError += (_, error) => { lock (errors) errors.Add(error); };
            // The clash list answers 422 (the form again, as every invalid form does): that is not an error. htmx does not
            // settle style attributes (htmx-config in the layout), which the CSP would refuse and report on every re-render.
            // axe-core applies inline styles while it scans, so the console is checked before each scan and cleared after.
            void CheckConsole()
            {
                lock (errors)
                {
                    var real = errors.Where(e => !e.Contains("status of 422")).ToList();
                    Assert.True(real.Count == 0, "Errors in the console:\n" + string.Join("\n", real));
                }
            }
            async Task ScanAsync(string what)
            {
                CheckConsole();
                await AssertNoSeriousAccessibilityViolationsAsync(page, what);
                lock (errors) errors.Clear();
            }
            var first = Tuesday(JourneyBlock.Series, 0);
            DateOnly Week(int n) => first.AddDays(7 * (n - 1));
            Assert.NotEqual(DemoZone.GetUtcOffset(DemoTime(Week(1), 10)), DemoZone.GetUtcOffset(DemoTime(Week(11), 10))); // the journey crosses a change
            await SeedAppointmentAsync("Lior Shapiro", Week(3), 10, minute: 30);
            await SignInAsync(page);
            await OpenWeekAsync(page, first);

            await page.Locator($".cal-day[data-date='{Iso(first)}']").ClickAsync(new() { Position = new() { X = 12, Y = 10 * 48 + 4 } });
            var dialog = Dialog(page);
            await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "New appointment" })).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Client" }).FillAsync("Maya");
            await page.GetByRole(AriaRole.Option, new() { Name = "Maya Peretz" }).ClickAsync();
            await Expect(dialog.GetByTestId("repeat-fields")).ToBeHiddenAsync(); // off by default
            await dialog.GetByLabel("Repeat", new() { Exact = true }).CheckAsync();
            await Expect(dialog.GetByTestId("repeat-fields")).ToBeVisibleAsync();
            await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Tuesday" })).ToBeCheckedAsync(); // the booked day
            await Expect(dialog.GetByRole(AriaRole.Spinbutton, new() { Name = "Number of sessions" })).ToHaveValueAsync("12");
            await SaveReviewShotAsync(page, "series-dialog-repeat-desktop");
            await ScanAsync("the new appointment dialog with Repeat open");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();

            // Nothing is booked yet: the clash is listed with its date, and skipped.
            var clashes = dialog.GetByTestId("series-clashes");
            await Expect(clashes).ToContainTextAsync("1 session overlaps");
            await Expect(clashes).ToContainTextAsync($"{Day(Week(3))}, 10:00–11:00 · overlaps 10:30–11:30 L.S.");
            await SaveReviewShotAsync(page, "series-dialog-clashes-desktop");
            await ScanAsync("the clash list");
            await clashes.GetByRole(AriaRole.Button, new() { Name = "Skip these dates" }).ClickAsync();

            await Expect(dialog).ToBeHiddenAsync();
            await Expect(Toast(page)).ToContainTextAsync($"Booked Maya Peretz · 11 sessions from {Day(first)}");
            await Expect(Block(page, first, "Maya Peretz")).ToHaveAttributeAsync("data-start", $"{Iso(first)}T10:00");

            // Across the change of clocks the sessions stay at 10:00; week 3 has only Lior.
            await OpenWeekAsync(page, Week(3));
            await Expect(Block(page, Week(3), "Maya Peretz")).ToHaveCountAsync(0);
            await OpenWeekAsync(page, Week(11));
            await Expect(Block(page, Week(11), "Maya Peretz")).ToHaveAttributeAsync("data-start", $"{Iso(Week(11))}T10:00");

            // Week 2 moves to 12:00 on its own.
            await OpenWeekAsync(page, Week(2));
            await Block(page, Week(2), "Maya Peretz").ClickAsync();
            await Expect(dialog.GetByTestId("series-place")).ToHaveTextAsync("Every Tuesday · 2 of 11");
            await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "This session" })).ToBeCheckedAsync();
            await SaveReviewShotAsync(page, "series-dialog-session-desktop");
            await ScanAsync("a session of a series");
            await dialog.GetByLabel("Start").FillAsync("12:00");
            await Expect(dialog.GetByLabel("End")).ToHaveValueAsync("13:00");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(Block(page, Week(2), "Maya Peretz")).ToHaveAttributeAsync("data-start", $"{Iso(Week(2))}T12:00");

            // From week 8, "this and following" is cancelled; week 7 stays.
            await OpenWeekAsync(page, Week(8));
            await Block(page, Week(8), "Maya Peretz").ClickAsync();
            await dialog.GetByText("Cancel appointment…").ClickAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel this and following" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(Toast(page)).ToContainTextAsync("5 sessions cancelled");
            await Expect(Block(page, Week(8), "Maya Peretz")).ToContainTextAsync("Cancelled");
            await OpenWeekAsync(page, Week(7));
            await Expect(Block(page, Week(7), "Maya Peretz")).Not.ToContainTextAsync("Cancelled");
            await OpenWeekAsync(page, Week(12));
            await Expect(Block(page, Week(12), "Maya Peretz")).ToContainTextAsync("Cancelled");

            // On a phone the dialog with Repeat open reads too.
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await page.GotoAsync($"/calendar?view=day&date={Iso(Week(4))}");
            await page.GotoAsync($"/appointments/new?start={Iso(Week(4))}T15:00");
            await page.GetByLabel("Repeat", new() { Exact = true }).CheckAsync();
            await SaveReviewShotAsync(page, "series-dialog-repeat-phone");
            await ScanAsync("the new appointment page with Repeat open, on a phone");

            CheckConsole();
        });
}
