using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Notes;

/// <summary>Notes where the therapist meets them: the client's timeline and search, delete and restore, the calendar and its dialog.</summary>
public sealed class NoteListPageTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, Client Noa, HttpClient Browser)> PracticeAsync()
    {
        App.AdvanceToNoon();
        var practice = await App.PracticeAsync();
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, noa, await App.SignedInAsync(practice.Owner.Email));
    }

    [Fact]
    public async Task The_client_page_lists_notes_newest_first_with_status_and_the_assessments_first_lines()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var today = App.Today();
        await App.NoteAsync(practice, noa.Id, assessment: "Oldest session", date: today.AddDays(-20), finalize: true);
        await App.NoteAsync(practice, noa.Id, assessment: "First line\nSecond line\nThird line", date: today.AddDays(-2));
        await App.NoteAsync(practice, noa.Id, assessment: "Middle session", date: today.AddDays(-9), finalize: true, amendments: ["Middle, amended", "Middle, amended again"]);
        var other = await App.ClientAsync(practice.Workspace.Id, "Dan", "Levi");
        await App.NoteAsync(practice, other.Id, assessment: "Someone else");

        var page = await browser.GetPageAsync($"/clients/{noa.Id}");

        var items = page.QuerySelectorAll("[data-testid=note-timeline] li").Select(li => li.Text()).ToList();
        Assert.Equal(3, items.Count);
        Assert.Contains("Draft", items[0]);
        Assert.Contains("First line · Second line", items[0]);
        Assert.DoesNotContain("Third line", items[0]);
        Assert.Contains("Amended 2 times", items[1]);
        Assert.Contains("Middle, amended again", items[1]);
        Assert.Contains("Finalized", items[2]);
        Assert.Contains(today.AddDays(-20).ToString("ddd d MMM yyyy"), items[2]);
        Assert.DoesNotContain(items, i => i.Contains("Someone else"));
    }

    [Fact]
    public async Task Search_finds_words_in_any_field_of_this_clients_notes_and_swaps_only_the_timeline()
    {
        var (practice, noa, browser) = await PracticeAsync();
        await App.NoteAsync(practice, noa.Id, assessment: "Shoulder impingement", date: App.Today().AddDays(-3));
        await App.NoteAsync(practice, noa.Id, assessment: "Knee fine", date: App.Today().AddDays(-1));

        var page = await browser.GetPageAsync($"/clients/{noa.Id}?q=shoulder");
        var htmx = await browser.AsHtmx().GetAsync($"/clients/{noa.Id}?q=nothing-like-this");

        Assert.Equal("Shoulder impingement", Assert.Single(page.QuerySelectorAll("[data-testid=note-timeline] li")).QuerySelector("a span.block").Text());
        Assert.Equal("shoulder", page.QuerySelector("#note-search")!.GetAttribute("value"));
        var form = page.QuerySelector("form[role=search]")!;
        Assert.Equal(("#note-timeline", "#note-timeline"), (form.GetAttribute("hx-target"), form.GetAttribute("hx-select")));
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        Assert.Contains("No notes mention", (await htmx.ParseAsync()).QuerySelector("#note-timeline [data-testid=no-notes]").Text());
    }

    [Fact]
    public async Task A_note_deleted_with_a_reason_leaves_the_timeline_and_can_be_restored_from_the_client_page()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var note = await App.NoteAsync(practice, noa.Id, assessment: "Written for the wrong client", finalize: true);
        var confirm = await browser.GetPageAsync($"/notes/{note.Id}/delete");

        var noReason = await browser.SubmitAsync(confirm, "main form", new Dictionary<string, string> { ["reason"] = "  " });
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.NotNull((await noReason.ParseAsync()).QuerySelector("#reason-error"));
        Assert.Null((await App.StoredNoteAsync(note.Id)).DeletedAt);

        var deleted = await browser.SubmitAsync(confirm, "main form", new Dictionary<string, string> { ["reason"] = "Wrong client" });

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal($"/clients/{noa.Id}#recently-deleted", deleted.Headers.Location?.OriginalString);
        var client = await browser.GetPageAsync($"/clients/{noa.Id}");
        Assert.NotNull(client.QuerySelector("[data-testid=no-notes]"));
        var bin = Assert.Single(client.QuerySelectorAll("[data-testid=recently-deleted] li"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/notes/{note.Id}/history")).StatusCode);

        var restored = await browser.SubmitAsync(client, "[data-testid=recently-deleted] form");

        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Null((await App.StoredNoteAsync(note.Id)).DeletedAt);
        Assert.Single((await browser.GetPageAsync($"/clients/{noa.Id}")).QuerySelectorAll("[data-testid=note-timeline] li"));
    }

    [Fact]
    public async Task An_amended_note_offers_no_delete_and_refuses_one()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var note = await App.NoteAsync(practice, noa.Id, finalize: true, amendments: ["Changed"]);

        var page = await browser.GetPageAsync($"/notes/{note.Id}");
        var confirm = await browser.GetPageAsync($"/notes/{note.Id}/delete");
        var token = confirm.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var refused = await browser.PostWithTokenAsync($"/notes/{note.Id}/delete", token, ("reason", "Try anyway"));

        Assert.Null(page.QuerySelector($"a[href='/notes/{note.Id}/delete']"));
        Assert.Null(confirm.QuerySelector("main form"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("cannot be deleted", (await refused.ParseAsync()).QuerySelector("main [role=alert]").Text());
        Assert.Null((await App.StoredNoteAsync(note.Id)).DeletedAt);
    }

    [Fact]
    public async Task Calendar_blocks_say_whether_their_session_has_a_note_by_the_reminders_rule()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var now = App.Clock.GetUtcNow();
        var written = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(-5));
        var draft = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(-3));
        var missing = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(-2));
        var cancelled = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(-4), status: AppointmentStatus.Cancelled);
        var later = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(1));
        await App.NoteAsync(practice, noa.Id, written.Id, finalize: true);
        await App.NoteAsync(practice, noa.Id, draft.Id);

        var week = await browser.GetPageAsync($"/calendar?view=week&date={NotePages.Iso(App.Today())}");

        string Mark(Appointment a) => week.QuerySelector($"#appointment-{a.Id}")!.GetAttribute("data-note")!;
        Assert.Equal(["written", "draft", "missing", "none", "none"], new[] { written, draft, missing, cancelled, later }.Select(Mark));
        Assert.Contains("session note written", week.QuerySelector($"#appointment-{written.Id}").Text());
        Assert.Contains("no session note yet", week.QuerySelector($"#appointment-{missing.Id}").Text());
        Assert.NotNull(week.QuerySelector($"#appointment-{missing.Id} svg[data-note-icon=missing][aria-hidden=true]"));
    }

    [Fact]
    public async Task The_appointment_dialog_offers_write_note_and_then_open_note()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var now = App.Clock.GetUtcNow();
        var ended = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddHours(-2));
        var nextWeek = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, now.AddDays(7));

        var dialog = await (await browser.AsHtmx().GetAsync($"/appointments/{ended.Id}")).ParseAsync();
        Assert.Equal(("Write note", $"/appointments/{ended.Id}/note"),
            (dialog.QuerySelector("[data-testid=note-link]").Text(), dialog.QuerySelector("[data-testid=note-link]")!.GetAttribute("href")));
        Assert.Null((await (await browser.GetAsync($"/appointments/{nextWeek.Id}")).ParseAsync()).QuerySelector("[data-testid=note-link]"));

        await App.NoteAsync(practice, noa.Id, ended.Id);
        dialog = await (await browser.GetAsync($"/appointments/{ended.Id}")).ParseAsync();
        Assert.Equal("Open note", dialog.QuerySelector("[data-testid=note-link]").Text());

        var future = await browser.GetPageAsync($"/appointments/{nextWeek.Id}/note");
        Assert.Contains("its note can be written from that day on", future.QuerySelector("[data-testid=note-unavailable]").Text());
        Assert.Null(future.QuerySelector("#note-form"));
    }

    [Fact]
    public async Task Opening_a_note_is_audited_as_a_read_and_never_cached()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var note = await App.NoteAsync(practice, noa.Id, finalize: true);

        foreach (var url in new[] { $"/notes/{note.Id}", $"/notes/{note.Id}/history", $"/notes/{note.Id}/amend", $"/notes/{note.Id}/delete", $"/clients/{noa.Id}" })
        {
            var response = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{url} may be cached");
        }

        var reads = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceId == note.Id && a.Action == AuditAction.Read).CountAsync());
        Assert.True(reads >= 4, $"{reads} read events for four pages of the note");
    }

    [Fact]
    public async Task An_assistant_is_refused_note_pages_and_sees_no_notes_on_the_client_page()
    {
        var (practice, noa, _) = await PracticeAsync();
        var note = await App.NoteAsync(practice, noa.Id);
        var session = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, App.Clock.GetUtcNow().AddHours(-2));
        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync(assistant.Email);

        foreach (var url in new[] { $"/notes/{note.Id}", $"/notes/{note.Id}/history", $"/appointments/{session.Id}/note", $"/clients/{noa.Id}/notes/new" })
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(url)).StatusCode);
        var client = await browser.GetPageAsync($"/clients/{noa.Id}");
        Assert.Null(client.QuerySelector("#session-notes"));
        Assert.Null(client.QuerySelector($"a[href='/clients/{noa.Id}/notes/new']"));
    }
}
