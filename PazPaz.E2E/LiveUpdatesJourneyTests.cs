using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Admin;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

/// <summary>
/// Two open calendars of the demo practice (two browser contexts, two sessions of the same therapist: another tab or
/// another device): a change made on one, or through the API, shows on the other, pushed by the server (LISTEN/NOTIFY →
/// server-sent events). The page counts what reaches it on &lt;body&gt; (data-live-changes, data-live-held,
/// data-live-redraws), so the journeys wait on what the page did, never on time; how fast it happens is measured by
/// bench/live.sh, not here. Each journey works in a week of its own ahead.
/// </summary>
public sealed class LiveUpdatesJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private static ILocator Body(IPage page) => page.Locator("body");

    /// <summary>How many of <paramref name="counter"/> (e.g. "data-live-changes") the page has counted so far.</summary>
    private static async Task<int> CountAsync(IPage page, string counter) =>
        int.TryParse(await Body(page).GetAttributeAsync(counter), out var n) ? n : 0;

    /// <summary>Waits until the page has counted more than <paramref name="before"/> of <paramref name="counter"/>.</summary>
    private static Task CountedAsync(IPage page, string counter, int before) =>
        page.WaitForFunctionAsync("([name, n]) => +(document.body.getAttribute(name) || 0) > n", new object[] { counter, before });

    private async Task SignInAndOpenWeekAsync(IPage page, DateOnly day)
    {
        await SignInAsync(page);
        await OpenWeekAsync(page, day);
    }

    /// <summary>An integration's view: a personal API token, as the operator command issues it.</summary>
    private async Task<HttpClient> ApiAsync()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(App.Services, ["create-api-token", "--email", DemoEmail, "--name", "Live updates E2E"], output, error);
        Assert.True(code == 0, error.ToString());
        var api = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", output.ToString().Trim());
        return api;
    }

    private async Task<Guid> DemoClientIdAsync(string name)
    {
        using var scope = App.Services.CreateScope();
        return (await DemoClientAsync(scope.ServiceProvider.GetRequiredService<PazPazDb>(), name)).Id;
    }

    private static string At(DateOnly day, int hour) => DemoTime(day, hour).ToString("o", CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="journey"/> with two signed-in pages, each in its own browser context.</summary>
    private Task TwoCalendarsAsync(string testName, DateOnly day, Func<IPage, IPage, Task> journey) =>
        RunJourneyAsync(testName + "-first", first => RunJourneyAsync(testName + "-second", async second =>
        {
            await SignInAndOpenWeekAsync(first, day);
            await SignInAndOpenWeekAsync(second, day);
            await journey(first, second);
        }));

    [Fact]
    public Task A_booking_on_one_calendar_and_a_move_through_the_api_are_pushed_to_another() =>
        TwoCalendarsAsync(nameof(A_booking_on_one_calendar_and_a_move_through_the_api_are_pushed_to_another), Tuesday(JourneyBlock.LiveUpdates, 0),
            async (first, second) =>
            {
                var day = Tuesday(JourneyBlock.LiveUpdates, 0);
                await first.Locator($".cal-day[data-date='{Iso(day)}']").ClickAsync(new() { Position = new() { X = 12, Y = 10 * 48 + 4 } });
                var dialog = first.Locator("#appointment-dialog");
                await first.GetByRole(AriaRole.Combobox, new() { Name = "Client" }).FillAsync("Maya");
                await first.GetByRole(AriaRole.Option, new() { Name = "Maya Peretz" }).ClickAsync();
                await Expect(first.Locator("#client-id")).Not.ToHaveValueAsync("");
                await Expect(Block(second, day, "Maya Peretz")).ToHaveCountAsync(0);

                var changes = await CountAsync(second, "data-live-changes");
                var redraws = await CountAsync(second, "data-live-redraws");
                var clock = Stopwatch.StartNew();
                await dialog.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
                await CountedAsync(second, "data-live-changes", changes); // pushed to the second calendar: nothing polls
                await CountedAsync(second, "data-live-redraws", redraws);
                await Expect(Block(second, day, "Maya Peretz")).ToBeVisibleAsync();
                Output.WriteLine($"Booked on the first calendar, shown on the second after {clock.ElapsedMilliseconds} ms");
                await Expect(Block(second, day, "Maya Peretz")).ToHaveAttributeAsync("data-start", $"{Iso(day)}T10:00");

                // An integration moves it to 14:00: both open calendars follow.
                var id = await Block(second, day, "Maya Peretz").GetAttributeAsync("data-appointment-id");
                using var api = await ApiAsync();
                changes = await CountAsync(second, "data-live-changes");
                clock.Restart();
                var moved = await api.PutAsJsonAsync($"/api/v1/appointments/{id}",
                    new Dictionary<string, string> { ["scheduled_start"] = At(day, 14), ["scheduled_end"] = At(day, 15) });
                Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());
                await CountedAsync(second, "data-live-changes", changes);
                await Expect(second.Locator($".cal-day[data-date='{Iso(day)}'] [data-appointment-id][data-start='{Iso(day)}T14:00']"))
                    .ToBeVisibleAsync();
                await Expect(first.Locator($".cal-day[data-date='{Iso(day)}'] [data-appointment-id][data-start='{Iso(day)}T14:00']"))
                    .ToBeVisibleAsync();
                Output.WriteLine($"Moved through the API, shown on both calendars after {clock.ElapsedMilliseconds} ms");
                await SaveReviewShotAsync(second, "live-second-calendar-after-api-move");
            });

    [Fact]
    public Task A_live_update_waits_for_an_open_dialog_and_shows_when_it_closes() =>
        TwoCalendarsAsync(nameof(A_live_update_waits_for_an_open_dialog_and_shows_when_it_closes), Tuesday(JourneyBlock.LiveUpdates, 1), async (first, second) =>
        {
            var day = Tuesday(JourneyBlock.LiveUpdates, 1);
            await second.Locator($".cal-day[data-date='{Iso(day)}']").ClickAsync(new() { Position = new() { X = 12, Y = 9 * 48 + 4 } });
            var dialog = second.Locator("#appointment-dialog");
            await second.GetByRole(AriaRole.Combobox, new() { Name = "Client" }).FillAsync("Half-typed");

            var clientId = await DemoClientIdAsync("Noa Cohen");
            using var api = await ApiAsync();
            var redraws = await CountAsync(second, "data-live-redraws");
            var held = await CountAsync(second, "data-live-held");
            var booked = await api.PostAsJsonAsync("/api/v1/appointments", new Dictionary<string, object>
            {
                ["client_id"] = clientId, ["scheduled_start"] = At(day, 15), ["scheduled_end"] = At(day, 16), ["location_type"] = "clinic",
            });
            Assert.True(booked.IsSuccessStatusCode, await booked.Content.ReadAsStringAsync());
            await Expect(Block(first, day, "Noa Cohen")).ToBeVisibleAsync(); // the other calendar has it

            await CountedAsync(second, "data-live-held", held); // the same change reached this page, which put its redraw off
            Assert.Equal(redraws, await CountAsync(second, "data-live-redraws"));
            await Expect(Body(second)).ToHaveAttributeAsync("data-live-waiting", "true");
            await Expect(dialog).ToBeVisibleAsync(); // the form being filled in is left alone, and so is the calendar behind it
            await Expect(second.GetByRole(AriaRole.Combobox, new() { Name = "Client" })).ToHaveValueAsync("Half-typed");
            await Expect(Block(second, day, "Noa Cohen")).ToHaveCountAsync(0);

            await dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).Last.ClickAsync(); // the footer's, not the ×
            await Expect(dialog).ToBeHiddenAsync();
            await CountedAsync(second, "data-live-redraws", redraws);
            await Expect(Block(second, day, "Noa Cohen")).ToBeVisibleAsync();
        });

    [Fact]
    public Task A_live_update_waits_for_a_drag_in_progress_and_shows_after_the_drop() =>
        TwoCalendarsAsync(nameof(A_live_update_waits_for_a_drag_in_progress_and_shows_after_the_drop), Tuesday(JourneyBlock.LiveUpdates, 2), async (first, second) =>
        {
            var day = Tuesday(JourneyBlock.LiveUpdates, 2);
            var nextDay = day.AddDays(1);
            using var api = await ApiAsync();
            async Task BookAsync(string client, int hour)
            {
                var clientId = await DemoClientIdAsync(client);
                var booked = await api.PostAsJsonAsync("/api/v1/appointments", new Dictionary<string, object>
                {
                    ["client_id"] = clientId, ["scheduled_start"] = At(day, hour), ["scheduled_end"] = At(day, hour + 1),
                    ["location_type"] = "clinic",
                });
                Assert.True(booked.IsSuccessStatusCode, await booked.Content.ReadAsStringAsync());
            }
            await BookAsync("Shira Katz", 10);
            var shira = Block(second, day, "Shira Katz");
            await Expect(shira).ToBeVisibleAsync();

            // Pick Shira up and hold her over the next day, two hours later.
            var from = await shira.BoundingBoxAsync() ?? throw new InvalidOperationException("The appointment is not on screen.");
            var to = await second.Locator($".cal-day[data-date='{Iso(nextDay)}']").BoundingBoxAsync() ?? throw new InvalidOperationException("No next day.");
            await second.Mouse.MoveAsync(from.X + from.Width / 2, from.Y + 8);
            await second.Mouse.DownAsync();
            await second.Mouse.MoveAsync(to.X + to.Width / 2, from.Y + 8 + 2 * 48 + 5, new() { Steps = 12 });
            await Expect(shira).ToHaveClassAsync(new Regex("opacity-40"));

            var redraws = await CountAsync(second, "data-live-redraws");
            var held = await CountAsync(second, "data-live-held");
            await BookAsync("Noa Cohen", 15);
            await Expect(Block(first, day, "Noa Cohen")).ToBeVisibleAsync();
            await CountedAsync(second, "data-live-held", held); // the same change reached the dragging page, which put its redraw off
            Assert.Equal(redraws, await CountAsync(second, "data-live-redraws"));
            await Expect(shira).ToHaveClassAsync(new Regex("opacity-40")); // still the block being dragged, not a redrawn one
            await Expect(Block(second, day, "Noa Cohen")).ToHaveCountAsync(0);

            await second.Mouse.UpAsync();
            await Expect(Block(second, nextDay, "Shira Katz")).ToHaveAttributeAsync("data-start", $"{Iso(nextDay)}T12:00");
            await CountedAsync(second, "data-live-redraws", redraws);
            await Expect(Block(second, day, "Noa Cohen")).ToBeVisibleAsync();
        });
}
