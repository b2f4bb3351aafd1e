using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Notes;

/// <summary>Writing a note over HTTP as the pages and notes.js do: open, autosave, conflict, finalize, amend, history.</summary>
public sealed class NotePageTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, Client Noa, Appointment Session, HttpClient Browser)> SessionAsync()
    {
        App.AdvanceToNoon();
        var practice = await App.PracticeAsync();
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        // Ended an hour ago, whatever the fake clock says.
        var session = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, App.Clock.GetUtcNow().AddHours(-2));
        return (practice, noa, session, await App.SignedInAsync(practice.Owner.Email));
    }

    private string LocalTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZones.Find("Europe/London")).ToString("HH:mm");

    [Fact]
    public async Task Write_note_opens_an_empty_form_for_the_session_and_the_first_autosave_creates_the_note()
    {
        var (_, _, session, browser) = await SessionAsync();

        var page = await browser.GetPageAsync($"/appointments/{session.Id}/note");

        Assert.Empty(await App.StoredNotesAsync()); // opening the link (or a mail scanner fetching it) writes nothing
        Assert.Equal(NotePages.Iso(App.Today()), page.QuerySelector("#session-date")!.GetAttribute("value"));
        Assert.Equal("60", page.QuerySelector("#duration")!.GetAttribute("value"));
        Assert.Equal(["Subjective", "Objective", "Assessment", "Plan"],
            page.QuerySelectorAll("#note-form textarea").Select(t => page.QuerySelector($"label[for={t.Id}]").Text()));
        Assert.All(page.QuerySelectorAll("#note-form textarea"), t => Assert.Equal("5000", t.GetAttribute("maxlength")));
        Assert.Equal("no-store,no-cache", (await browser.GetAsync($"/appointments/{session.Id}/note")).Headers.CacheControl?.ToString().Replace(" ", ""));

        var saved = await browser.AutosaveAsync(page, ("subjective", "Neck stiff since Monday"));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var status = (await saved.ParseAsync()).QuerySelector("#save-status")!;
        var note = Assert.Single(await App.StoredNotesAsync());
        Assert.Equal(("saved", $"/notes/{note.Id}", note.Revision.ToString()),
            (status.GetAttribute("data-save-state"), status.GetAttribute("data-note-url"), status.GetAttribute("data-revision")));
        Assert.Equal($"Saved {LocalTime(App.Clock.GetUtcNow())}", status.Text());
        Assert.Equal(("Neck stiff since Monday", session.Id, SessionNoteStatus.Draft), (note.Subjective, note.AppointmentId, note.Status));

        var again = await browser.GetAsync($"/appointments/{session.Id}/note");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode); // one note per appointment
        Assert.Equal($"/notes/{note.Id}", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Autosave_keeps_saving_into_the_same_draft_and_says_when()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var page = await browser.GetPageAsync($"/notes/{note.Id}");
        Assert.Equal(note.Revision.ToString(), page.QuerySelector("#note-form input[name=revision]")!.GetAttribute("value"));

        var first = await (await browser.AutosaveAsync(page, ("plan", "Stretch daily\r\nCome back in a week"))).ParseAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(3));
        page.QuerySelector("#note-form input[name=revision]")!.SetAttribute("value", first.QuerySelector("#save-status")!.GetAttribute("data-revision"));
        var second = await browser.AutosaveAsync(page, ("plan", "Stretch daily\r\nCome back in two weeks"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal($"Saved {LocalTime(App.Clock.GetUtcNow())}", (await second.ParseAsync()).QuerySelector("#save-status").Text());
        var stored = await App.StoredNoteAsync(note.Id);
        Assert.Equal("Stretch daily\nCome back in two weeks", stored.Plan); // line breaks stored as typed, one character each
        Assert.Single(await App.StoredNotesAsync());
    }

    [Fact]
    public async Task A_second_tab_saving_an_out_of_date_draft_is_shown_both_texts_and_overwrites_nothing()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var tabA = await browser.GetPageAsync($"/notes/{note.Id}");
        var tabB = await browser.GetPageAsync($"/notes/{note.Id}");
        Assert.Equal(HttpStatusCode.OK, (await browser.AutosaveAsync(tabA, ("assessment", "Text from tab A"))).StatusCode);

        var refused = await browser.AutosaveAsync(tabB, ("assessment", "Text from tab B"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var panel = (await refused.ParseAsync()).QuerySelector("#note-conflict")!;
        Assert.Equal("Text from tab A", panel.QuerySelector("[data-testid=conflict-theirs]").Text());
        Assert.Equal("Text from tab B", panel.QuerySelector("[data-testid=conflict-mine]").Text());
        var stored = await App.StoredNoteAsync(note.Id);
        Assert.Equal("Text from tab A", stored.Assessment);
        Assert.Equal(stored.Revision.ToString(), panel.GetAttribute("data-their-revision"));

        // "Save my text over theirs": the same text again, from their revision.
        var mine = await browser.AutosaveAsync(tabB, ("assessment", "Text from tab B"), ("revision", stored.Revision.ToString()));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("Text from tab B", (await App.StoredNoteAsync(note.Id)).Assessment);
    }

    [Fact]
    public async Task A_second_tab_writing_the_same_sessions_new_note_is_shown_the_first_tabs_text()
    {
        var (_, _, session, browser) = await SessionAsync();
        var tabA = await browser.GetPageAsync($"/appointments/{session.Id}/note");
        var tabB = await browser.GetPageAsync($"/appointments/{session.Id}/note");
        Assert.Equal(HttpStatusCode.OK, (await browser.AutosaveAsync(tabA, ("subjective", "From A"))).StatusCode);

        var refused = await browser.AutosaveAsync(tabB, ("subjective", "From B"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("From A", (await refused.ParseAsync()).QuerySelector("[data-testid=conflict-theirs]").Text());
        Assert.Equal("From A", Assert.Single(await App.StoredNotesAsync()).Subjective);
    }

    [Theory]
    [InlineData("session_date", "not a date", "session_date")]
    [InlineData("session_date", "", "session_date")]
    [InlineData("duration_minutes", "481", "duration_minutes")]
    [InlineData("duration_minutes", "-1", "duration_minutes")]
    [InlineData("duration_minutes", "ninety", "duration_minutes")]
    [InlineData("duration_minutes", "99999999999999999999", "duration_minutes")]
    [InlineData("revision", "not-a-revision", null)]
    public async Task Bad_input_to_autosave_is_a_422_naming_the_field_never_a_500(string field, string value, string? invalid)
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var page = await browser.GetPageAsync($"/notes/{note.Id}");

        var answer = await browser.AutosaveAsync(page, (field, value));

        if (invalid is null)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // an unreadable revision is no revision: saved without the check
            return;
        }
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        var status = (await answer.ParseAsync()).QuerySelector("#save-status")!;
        Assert.Equal(("invalid", invalid), (status.GetAttribute("data-save-state"), status.GetAttribute("data-invalid")));
        Assert.StartsWith("Not saved:", status.Text());
    }

    [Fact]
    public async Task A_future_session_date_and_an_overlong_field_are_refused_with_their_reasons()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var page = await browser.GetPageAsync($"/notes/{note.Id}");

        var future = await browser.AutosaveAsync(page, ("session_date", NotePages.Iso(App.Today().AddDays(1))));
        var tooLong = await browser.AutosaveAsync(page, ("objective", new string('x', 5001)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        Assert.Contains("future", (await future.ParseAsync()).QuerySelector("#save-status").Text());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Equal("objective", (await tooLong.ParseAsync()).QuerySelector("#save-status")!.GetAttribute("data-invalid"));
        Assert.Equal(note.Objective, (await App.StoredNoteAsync(note.Id)).Objective);

        // Without JavaScript the same mistakes come back in the page, with the text kept.
        var plain = await browser.SubmitAsync(await browser.GetPageAsync($"/notes/{note.Id}"), "#note-form", new Dictionary<string, string> { ["duration_minutes"] = "500", ["plan"] = "Keep me" });
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var again = await plain.ParseAsync();
        Assert.Equal("true", again.QuerySelector("#duration")!.GetAttribute("aria-invalid"));
        Assert.Equal("Keep me", again.QuerySelector("#soap-plan").Text());
    }

    [Fact]
    public async Task Finalize_saves_the_text_on_screen_as_version_1_and_completes_the_appointment()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var page = await browser.GetPageAsync($"/notes/{note.Id}");

        var finalized = await browser.FinalizeAsync(page, ("assessment", "Typed just before finalizing"));

        Assert.Equal(HttpStatusCode.Redirect, finalized.StatusCode);
        Assert.Equal($"/notes/{note.Id}", finalized.Headers.Location?.OriginalString);
        var stored = await App.StoredNoteAsync(note.Id);
        Assert.Equal((SessionNoteStatus.Finalized, 1, "Typed just before finalizing"), (stored.Status, stored.CurrentVersion, Assert.Single(stored.Versions).Assessment));
        Assert.Equal(AppointmentStatus.Completed, (await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == session.Id))).Status);

        var view = await browser.GetPageAsync($"/notes/{note.Id}");
        Assert.Equal("Finalized", view.QuerySelector("[data-testid=note-status]").Text());
        Assert.Null(view.QuerySelector("#note-form")); // read only now
        Assert.Equal("Typed just before finalizing", view.QuerySelector("[data-testid=soap-assessment]").Text());
        Assert.NotNull(view.QuerySelector($"a[href='/notes/{note.Id}/amend']"));
    }

    [Fact]
    public async Task An_empty_note_cannot_be_finalized_and_says_why()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var page = await browser.GetPageAsync($"/appointments/{session.Id}/note");

        var refused = await browser.FinalizeAsync(page);

        // The empty draft now exists, so its page tells why it was not finalized.
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var note = Assert.Single(await App.StoredNotesAsync());
        Assert.Equal(SessionNoteStatus.Draft, note.Status);
        var shown = await browser.GetPageAsync(refused.Headers.Location!.OriginalString);
        Assert.Contains("Write at least one", shown.QuerySelector("#flash").Text());
        Assert.Equal(AppointmentStatus.Scheduled, (await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == session.Id))).Status);
    }

    [Fact]
    public async Task Amending_keeps_every_version_and_the_history_shows_word_differences_newest_first()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id, assessment: "Lower back pain improving slowly", finalize: true);
        var amend = await browser.GetPageAsync($"/notes/{note.Id}/amend");
        Assert.Equal("Lower back pain improving slowly", amend.QuerySelector("#soap-assessment").Text());

        var saved = await browser.SubmitAsync(amend, "#note-form", new Dictionary<string, string> { ["assessment"] = "Lower back pain improving quickly" });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await App.StoredNoteAsync(note.Id);
        Assert.Equal((SessionNoteStatus.Amended, 2, 1), (stored.Status, stored.CurrentVersion, stored.AmendmentCount));
        Assert.Equal("Amended once", (await browser.GetPageAsync($"/notes/{note.Id}")).QuerySelector("[data-testid=note-status]").Text());

        var history = await browser.GetPageAsync($"/notes/{note.Id}/history");
        var versions = history.QuerySelectorAll("[data-testid=version]");
        Assert.Equal(["2", "1"], versions.Select(v => v.GetAttribute("data-version")));
        var diff = versions[0].QuerySelector("[data-testid=diff]")!;
        Assert.Equal("slowly", diff.QuerySelector("del")!.TextContent.Replace("[removed: ", "").TrimEnd(']'));
        Assert.Equal("quickly", diff.QuerySelector("ins")!.TextContent.Replace("[added: ", "").TrimEnd(']'));
        Assert.Null(versions[1].QuerySelector("del, ins")); // version 1 has nothing before it
    }

    [Fact]
    public async Task An_amendment_from_an_out_of_date_page_shows_both_texts_and_keeps_the_stored_one()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id, finalize: true);
        var tabA = await browser.GetPageAsync($"/notes/{note.Id}/amend");
        var tabB = await browser.GetPageAsync($"/notes/{note.Id}/amend");
        await browser.SubmitAsync(tabA, "#note-form", new Dictionary<string, string> { ["plan"] = "Plan from A" });

        var refused = await browser.SubmitAsync(tabB, "#note-form", new Dictionary<string, string> { ["plan"] = "Plan from B" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.ParseAsync();
        Assert.Equal("Plan from A", page.QuerySelector("[data-testid=conflict-theirs]").Text());
        Assert.Equal("Plan from B", page.QuerySelector("#soap-plan").Text());
        Assert.Equal("Plan from A", (await App.StoredNoteAsync(note.Id)).Plan);
    }

    [Fact]
    public async Task A_standalone_note_is_written_from_the_client_page()
    {
        var (_, noa, _, browser) = await SessionAsync();
        var client = await browser.GetPageAsync($"/clients/{noa.Id}");
        Assert.NotNull(client.QuerySelector($"a[href='/clients/{noa.Id}/notes/new']"));

        var page = await browser.GetPageAsync($"/clients/{noa.Id}/notes/new");
        Assert.Contains("Standalone", page.QuerySelector("main").Text());
        var saved = await browser.AutosaveAsync(page, ("objective", "Posture assessment"));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var note = Assert.Single(await App.StoredNotesAsync());
        Assert.Equal((noa.Id, (Guid?)null, "Posture assessment"), (note.ClientId, note.AppointmentId, note.Objective));
    }

    [Fact]
    public async Task Bad_input_to_amend_and_delete_comes_back_as_field_errors_422_for_htmx_never_a_500()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id, finalize: true);
        var amend = await browser.GetPageAsync($"/notes/{note.Id}/amend");

        var plain = await browser.SubmitAsync(amend, "#note-form", new Dictionary<string, string> { ["session_date"] = "2026-02-30", ["assessment"] = "Kept on screen" });
        browser.AsHtmx();
        var htmx = await browser.SubmitAsync(amend, "#note-form", new Dictionary<string, string> { ["duration_minutes"] = "1e5" });
        var emptied = await browser.SubmitAsync(amend, "#note-form", new Dictionary<string, string>
            { ["subjective"] = "", ["objective"] = "", ["assessment"] = "", ["plan"] = "" });
        var longReason = await browser.SubmitAsync(await browser.GetPageAsync($"/notes/{note.Id}/delete"), "main form",
            new Dictionary<string, string> { ["reason"] = new string('r', 501) });

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var page = await plain.ParseAsync();
        Assert.NotNull(page.QuerySelector("#session_date-error"));
        Assert.Equal("Kept on screen", page.QuerySelector("#soap-assessment").Text());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, htmx.StatusCode);
        Assert.NotNull((await htmx.ParseAsync()).QuerySelector("#duration_minutes-error"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, emptied.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longReason.StatusCode);
        Assert.NotNull((await longReason.ParseAsync()).QuerySelector("#reason-error"));
        var stored = await App.StoredNoteAsync(note.Id);
        Assert.Equal((SessionNoteStatus.Finalized, 1, (DateTimeOffset?)null), (stored.Status, stored.CurrentVersion, stored.DeletedAt));
    }

    [Fact]
    public async Task An_autosave_from_a_tab_that_missed_the_finalizing_says_the_note_is_finalized()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var stale = await browser.GetPageAsync($"/notes/{note.Id}");
        await browser.FinalizeAsync(await browser.GetPageAsync($"/notes/{note.Id}"));

        var refused = await browser.AutosaveAsync(stale, ("plan", "Typed in the old tab"), ("revision", ""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("finalized", (await refused.ParseAsync()).QuerySelector("#save-status").Text());
        Assert.Equal("Twice a week", (await App.StoredNoteAsync(note.Id)).Plan);
    }

    [Fact]
    public async Task Finalize_pressed_while_the_last_autosave_of_the_same_text_lands_is_no_conflict()
    {
        var (practice, noa, session, browser) = await SessionAsync();
        var note = await App.NoteAsync(practice, noa.Id, session.Id);
        var page = await browser.GetPageAsync($"/notes/{note.Id}");
        // The field lost focus as the button was pressed: its autosave lands first, with the same text the form then posts.
        Assert.Equal(HttpStatusCode.OK, (await browser.AutosaveAsync(page, ("assessment", "Last words"))).StatusCode);

        var finalized = await browser.FinalizeAsync(await ReloadedFormAsync(browser, note.Id, page), ("assessment", "Last words"));

        Assert.Equal(HttpStatusCode.Redirect, finalized.StatusCode);
        Assert.Equal(SessionNoteStatus.Finalized, (await App.StoredNoteAsync(note.Id)).Status);
    }

    /// <summary>The same page as before (its revision now out of date), with its form action as first rendered.</summary>
    private static async Task<AngleSharp.Dom.IDocument> ReloadedFormAsync(HttpClient browser, Guid noteId, AngleSharp.Dom.IDocument stale)
    {
        var fresh = await browser.GetPageAsync($"/notes/{noteId}");
        var revision = stale.QuerySelector("#note-form input[name=revision]")!.GetAttribute("value")!;
        fresh.QuerySelector("#note-form input[name=revision]")!.SetAttribute("value", revision);
        return fresh;
    }
}
