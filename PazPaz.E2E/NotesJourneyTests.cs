using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

/// <summary>
/// Session notes in Chromium against the demo practice. Each journey takes a Tuesday of the notes block of weeks ahead, books a session at
/// 10:00 there and sets the app's clock to noon that day, so the session has just ended whatever the machine's date. The
/// journeys wait on what the page says — #save-status[data-save-state] — never on time passing.
/// </summary>
public sealed class NotesJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private static ILocator SaveState(IPage page, string state) => page.Locator($"#save-status[data-save-state='{state}']");

    private static ILocator Field(IPage page, string label) => page.Locator("#note-form").GetByLabel(label, new() { Exact = true });

    /// <summary>A session at 10:00 on <paramref name="day"/>, with the clock at noon that day: it has ended and wants a note.</summary>
    /// <summary>The end of the two autosave races: saved, no conflict panel, and after a reload both fields typed are there.</summary>
    private static async Task ExpectBothFieldsSavedWithoutConflictAsync(IPage page)
    {
        await Expect(SaveState(page, "saved")).ToBeVisibleAsync();
        await Expect(page.Locator("#note-conflict h2")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(Field(page, "Assessment")).ToHaveValueAsync("Upper trapezius trigger points.");
        await Expect(Field(page, "Subjective")).ToHaveValueAsync("Stiff neck in the mornings.");
    }

    private async Task<Guid> EndedSessionAsync(string client, DateOnly day)
    {
        var id = await SeedAppointmentAsync(client, day, 10);
        App.Clock.Set(DemoTime(day, 12));
        return id;
    }

    /// <summary>Notes written straight to the database for a demo client, by the domain's own verbs.</summary>
    private async Task<Guid> SeedNotesAsync(string clientName, params (DateOnly Date, string Assessment)[] notes)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var client = await DemoClientAsync(db, clientName);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), DemoZone).DateTime);
        foreach (var (date, assessment) in notes)
        {
            var note = SessionNote.Create(client.WorkspaceId, client.Id, new SessionNoteContent("Reports less pain", null, assessment, "Home exercises", date, 45), today);
            note.Finalize(App.Clock.GetUtcNow(), null);
            db.Add(note);
        }
        await db.SaveChangesAsync();
        return client.Id;
    }

    [Fact]
    public Task Write_a_note_that_survives_a_reload_finalize_it_amend_it_and_see_the_difference() =>
        RunJourneyAsync(nameof(Write_a_note_that_survives_a_reload_finalize_it_amend_it_and_see_the_difference), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 0);
            await EndedSessionAsync("Shira Katz", day);
            await SignInAsync(page);
            await OpenWeekAsync(page, day);
            var block = Block(page, day, "Shira Katz");
            await Expect(block).ToHaveAttributeAsync("data-note", "missing");
            await Expect(block).ToContainTextAsync("no session note yet");

            await block.ClickAsync();
            await page.Locator("#appointment-dialog").GetByRole(AriaRole.Link, new() { Name = "Write note" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New session note" })).ToBeVisibleAsync();
            await Expect(Field(page, "Session date")).ToHaveValueAsync(Iso(day));

            await Field(page, "Subjective").FillAsync("Sore right shoulder after tennis on Sunday.");
            await Expect(SaveState(page, "saved")).ToHaveTextAsync(new Regex(@"^Saved \d\d:\d\d$"));
            await Expect(page).ToHaveURLAsync(new Regex(@"/notes/[0-9a-f-]{36}$")); // the first save created the note

            await page.ReloadAsync();
            await Expect(Field(page, "Subjective")).ToHaveValueAsync("Sore right shoulder after tennis on Sunday.");
            await Field(page, "Assessment").FillAsync("Rotator cuff strain, mild.");
            await Field(page, "Plan").FocusAsync(); // leaving a field saves at once
            await Expect(SaveState(page, "saved")).ToBeVisibleAsync();
            await SaveReviewShotAsync(page, "note-draft-1280");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the note page");

            await page.GetByRole(AriaRole.Button, new() { Name = "Finalize note" }).ClickAsync();
            await Expect(page.Locator("#flash")).ToContainTextAsync("Note finalized");
            await Expect(page.GetByTestId("note-status")).ToHaveTextAsync("Finalized");
            await Expect(page.GetByTestId("soap-assessment")).ToHaveTextAsync("Rotator cuff strain, mild.");
            await SaveReviewShotAsync(page, "note-finalized-1280");
            var noteUrl = page.Url;

            await OpenWeekAsync(page, day);
            await Expect(block).ToHaveAttributeAsync("data-note", "written");
            await Expect(block).ToContainTextAsync("Completed");
            await SaveReviewShotAsync(page, "calendar-note-mark-1280");
            await page.GotoAsync(noteUrl);

            await page.GetByRole(AriaRole.Link, new() { Name = "Amend note" }).ClickAsync();
            await Field(page, "Assessment").FillAsync("Rotator cuff strain, moderate; refer for ultrasound.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save amendment" }).ClickAsync();
            await Expect(page.Locator("#flash")).ToContainTextAsync("Amendment saved as version 2");
            await Expect(page.GetByTestId("note-status")).ToHaveTextAsync("Amended once");

            await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
            var versions = page.GetByTestId("version");
            await Expect(versions).ToHaveCountAsync(2);
            await Expect(versions.First).ToHaveAttributeAsync("data-version", "2");
            var diff = versions.First.GetByTestId("diff");
            await Expect(diff.Locator("del")).ToHaveTextAsync("[removed: mild]"); // the brackets are for screen readers only
            await Expect(diff.Locator("ins")).ToHaveTextAsync("[added: moderate; refer for ultrasound]");
            await Expect(versions.Nth(1).Locator("del, ins")).ToHaveCountAsync(0);
            await SaveReviewShotAsync(page, "note-history-1280");
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the note history");
        });

    [Fact]
    public Task A_failed_save_says_so_keeps_the_text_warns_before_leaving_and_saves_once_back_online() =>
        RunJourneyAsync(nameof(A_failed_save_says_so_keeps_the_text_warns_before_leaving_and_saves_once_back_online), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 1);
            var session = await EndedSessionAsync("Omer Avraham", day);
            await SignInAsync(page);
            await page.GotoAsync($"/appointments/{session}/note");
            await Field(page, "Objective").FillAsync("Reduced flexion, 90 degrees.");
            await Expect(SaveState(page, "saved")).ToBeVisibleAsync();

            await page.Context.SetOfflineAsync(true);
            await Field(page, "Plan").FillAsync("Mobility drills twice a day.");
            await Expect(SaveState(page, "failed")).ToContainTextAsync("Your text is still here");
            await Expect(Field(page, "Plan")).ToHaveValueAsync("Mobility drills twice a day.");

            // Leaving now would lose the text: the browser asks first (we stay).
            var asked = new TaskCompletionSource<string>();
            page.Dialog += async (_, dialog) => { asked.TrySetResult(dialog.Type); await dialog.DismissAsync(); };
            await page.CloseAsync(new() { RunBeforeUnload = true });
            Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.False(page.IsClosed);

            await page.Context.SetOfflineAsync(false);
            await Expect(SaveState(page, "saved")).ToBeVisibleAsync(new() { Timeout = 20_000 }); // retried on its own
            await page.ReloadAsync();
            await Expect(Field(page, "Plan")).ToHaveValueAsync("Mobility drills twice a day.");
        });

    [Fact]
    public Task Two_tabs_on_one_draft_are_shown_both_texts_and_nothing_is_overwritten_silently() =>
        RunJourneyAsync(nameof(Two_tabs_on_one_draft_are_shown_both_texts_and_nothing_is_overwritten_silently), async tabA =>
        {
            var day = Tuesday(JourneyBlock.Notes, 2);
            var session = await EndedSessionAsync("Eitan Goldberg", day);
            await SignInAsync(tabA);
            await tabA.GotoAsync($"/appointments/{session}/note");
            await Field(tabA, "Subjective").FillAsync("Knee pain on stairs.");
            await Expect(SaveState(tabA, "saved")).ToBeVisibleAsync();

            var tabB = await tabA.Context.NewPageAsync();
            await tabB.GotoAsync($"/appointments/{session}/note"); // opens the existing note
            await Expect(tabB).ToHaveURLAsync(new Regex(@"/notes/[0-9a-f-]{36}$"));
            await Expect(Field(tabB, "Subjective")).ToHaveValueAsync("Knee pain on stairs.");

            await Field(tabA, "Subjective").FillAsync("Knee pain on stairs, worse in the morning.");
            await Expect(SaveState(tabA, "saved")).ToBeVisibleAsync();
            await Field(tabB, "Subjective").FillAsync("Knee pain when running downhill.");

            await Expect(SaveState(tabB, "conflict")).ToBeVisibleAsync();
            var panel = tabB.Locator("#note-conflict");
            await Expect(panel.GetByTestId("conflict-theirs")).ToHaveTextAsync("Knee pain on stairs, worse in the morning.");
            await Expect(panel.GetByTestId("conflict-mine")).ToHaveTextAsync("Knee pain when running downhill.");
            await SaveReviewShotAsync(tabB, "note-conflict-1280");
            await panel.GetByRole(AriaRole.Button, new() { Name = "Save my text over theirs" }).ClickAsync();
            await Expect(SaveState(tabB, "saved")).ToBeVisibleAsync();

            // Tab A is now the out-of-date one: its next save is refused too, and it keeps tab B's text on request.
            await Field(tabA, "Plan").FillAsync("Quadriceps strengthening.");
            await Expect(SaveState(tabA, "conflict")).ToBeVisibleAsync();
            await tabA.Locator("#note-conflict").GetByRole(AriaRole.Link, new() { Name = "Keep their text" }).ClickAsync();
            await Expect(Field(tabA, "Subjective")).ToHaveValueAsync("Knee pain when running downhill.");
            await Expect(SaveState(tabA, "saved")).ToBeVisibleAsync();

            await tabA.ReloadAsync();
            await Expect(Field(tabA, "Subjective")).ToHaveValueAsync("Knee pain when running downhill.");
        });

    [Fact]
    public Task The_client_page_lists_notes_newest_first_and_searches_them() =>
        RunJourneyAsync(nameof(The_client_page_lists_notes_newest_first_and_searches_them), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 3);
            App.Clock.Set(DemoTime(day, 12));
            var clientId = await SeedNotesAsync("Rivka Azoulay",
                (day.AddDays(-14), "Hamstring strain, grade one."),
                (day.AddDays(-7), "Lower back stiffness after long drives."),
                (day, "Hamstring recovering well; back settled."));
            await SignInAsync(page);
            await page.GotoAsync($"/clients/{clientId}");

            var items = page.GetByTestId("note-timeline").Locator("li");
            await Expect(items).ToHaveCountAsync(3);
            await Expect(items.First).ToContainTextAsync("Hamstring recovering well");

            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search this client's notes" }).FillAsync("hamstring");
            await Expect(items).ToHaveCountAsync(2);
            await Expect(items.Nth(1)).ToContainTextAsync("grade one");
            await Expect(page).ToHaveURLAsync(new Regex(@"\?q=hamstring"));
            await SaveReviewShotAsync(page, "client-search-1280");

            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search this client's notes" }).FillAsync("drives");
            await Expect(items).ToHaveCountAsync(1);
            await items.First.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page.GetByTestId("soap-assessment")).ToHaveTextAsync("Lower back stiffness after long drives.");
        });

    [Fact]
    public Task A_slow_first_autosave_does_not_turn_the_next_one_into_a_conflict() =>
        RunJourneyAsync(nameof(A_slow_first_autosave_does_not_turn_the_next_one_into_a_conflict), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 5);
            var session = await EndedSessionAsync("Omer Avraham", day);
            await SignInAsync(page);
            await page.GotoAsync($"/appointments/{session}/note");

            // The first autosave (the one that creates the note) is held on its way back while the therapist types on.
            var release = new TaskCompletionSource();
            var held = 0;
            await page.RouteAsync("**/*handler=Autosave*", async route =>
            {
                if (Interlocked.Increment(ref held) == 1) await release.Task;
                await route.ContinueAsync();
            });
            await Field(page, "Subjective").FillAsync("Stiff neck in the mornings.");
            await page.RunAndWaitForRequestAsync(() => Field(page, "Assessment").FocusAsync(), "**/*handler=Autosave*");
            await Field(page, "Assessment").FillAsync("Upper trapezius trigger points.");
            await Field(page, "Plan").FocusAsync();
            release.SetResult();

            await ExpectBothFieldsSavedWithoutConflictAsync(page);
        }, Phone);

    [Fact]
    public Task A_save_while_the_first_answer_is_still_arriving_waits_for_it() =>
        RunJourneyAsync(nameof(A_save_while_the_first_answer_is_still_arriving_waits_for_it), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 6);
            var session = await EndedSessionAsync("Omer Avraham", day);
            // A slow connection: the first autosave's answer has arrived up to its headers, its body is still on the way.
            // The page signals when it is reading that body; the test lets it finish when it chooses.
            await page.AddInitScriptAsync("""
                (() => {
                  const text = Response.prototype.text;
                  let held = false;
                  Response.prototype.text = function () {
                    if (held || !this.url.includes("handler=Autosave")) return text.call(this);
                    held = true;
                    return new Promise((resolve) => { window.releaseFirstAnswer = () => resolve(text.call(this)); });
                  };
                })();
                """);
            await SignInAsync(page);
            await page.GotoAsync($"/appointments/{session}/note");
            await Field(page, "Subjective").FillAsync("Stiff neck in the mornings.");
            await Field(page, "Assessment").FocusAsync();
            await page.WaitForFunctionAsync("() => typeof window.releaseFirstAnswer === 'function'");

            // The therapist types on and leaves the field: that save must wait for the first answer (it names the new note).
            await Field(page, "Assessment").FillAsync("Upper trapezius trigger points.");
            await Field(page, "Plan").FocusAsync();
            await page.EvaluateAsync("() => window.releaseFirstAnswer()");

            await ExpectBothFieldsSavedWithoutConflictAsync(page);
        }, Phone);

    [Fact]
    public Task On_a_phone_the_note_its_history_and_the_timeline_read_in_full_lines() =>
        RunJourneyAsync(nameof(On_a_phone_the_note_its_history_and_the_timeline_read_in_full_lines), async page =>
        {
            var day = Tuesday(JourneyBlock.Notes, 4);
            var session = await EndedSessionAsync("Amit Biton", day);
            await SignInAsync(page);
            await page.GotoAsync($"/appointments/{session}/note");
            await Field(page, "Subjective").FillAsync("Tension headaches three times a week, mostly after work at the computer.");
            await Field(page, "Assessment").FillAsync("Upper trapezius trigger points.");
            await Field(page, "Plan").FocusAsync();
            await Expect(SaveState(page, "saved")).ToBeVisibleAsync();
            Assert.True((await Field(page, "Subjective").BoundingBoxAsync())!.Width >= 300, "the text box is too narrow on a phone");
            await SaveReviewShotAsync(page, "note-draft-390");

            await page.GetByRole(AriaRole.Button, new() { Name = "Finalize note" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Amend note" }).ClickAsync();
            await Field(page, "Assessment").FillAsync("Upper trapezius and levator scapulae trigger points.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save amendment" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
            var diff = page.GetByTestId("version").First.GetByTestId("diff");
            await Expect(diff.Locator("ins")).ToContainTextAsync("levator scapulae");
            Assert.True((await diff.BoundingBoxAsync())!.Width >= 300, "the history is too narrow on a phone");
            await SaveReviewShotAsync(page, "note-history-390");

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumb" }).GetByRole(AriaRole.Link, new() { Name = "Amit Biton" }).ClickAsync();
            var timeline = page.GetByTestId("note-timeline");
            await Expect(timeline.Locator("li").First).ToContainTextAsync("levator scapulae");
            Assert.True((await timeline.BoundingBoxAsync())!.Width >= 300, "the timeline is too narrow on a phone");
            await SaveReviewShotAsync(page, "client-timeline-390");
        }, Phone);
}
