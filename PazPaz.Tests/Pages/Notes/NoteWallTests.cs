using System.Net;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Notes;

/// <summary>Every note page and handler answers 404 for another practice's note, appointment or client, and changes nothing.</summary>
public sealed class NoteWallTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Another_workspaces_notes_appointments_and_clients_are_not_found_on_any_note_page_or_handler()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        var ownClient = await App.ClientAsync(mine.Workspace.Id);
        var ownNote = await App.NoteAsync(mine, ownClient.Id);
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var theirClient = await App.ClientAsync(theirs.Workspace.Id, "Secret", "Person");
        var theirSession = await App.AppointmentAsync(theirs.Workspace.Id, theirClient.Id, App.Clock.GetUtcNow().AddHours(-2));
        var theirDraft = await App.NoteAsync(theirs, theirClient.Id, theirSession.Id, assessment: "Their secret");
        var theirFinal = await App.NoteAsync(theirs, theirClient.Id, finalize: true);
        var browser = await App.SignedInAsync("me@example.com");
        var token = await browser.TokenAsync($"/notes/{ownNote.Id}");
        (string, string)[] fields = [("subjective", "Overwrite"), ("session_date", NotePages.Iso(App.Today())), ("reason", "Because")];

        string[] gets =
        [
            $"/notes/{theirDraft.Id}", $"/notes/{theirFinal.Id}/history", $"/notes/{theirFinal.Id}/amend", $"/notes/{theirDraft.Id}/delete",
            $"/appointments/{theirSession.Id}/note", $"/clients/{theirClient.Id}/notes/new", $"/clients/{theirClient.Id}",
        ];
        foreach (var url in gets)
            Assert.True((await browser.GetAsync(url)).StatusCode == HttpStatusCode.NotFound, $"GET {url} was found");

        string[] posts =
        [
            $"/notes/{theirDraft.Id}", $"/notes/{theirDraft.Id}?handler=Autosave", $"/notes/{theirDraft.Id}?handler=Finalize",
            $"/notes/{theirFinal.Id}/amend", $"/notes/{theirDraft.Id}/delete", $"/notes/{theirDraft.Id}/restore",
            $"/appointments/{theirSession.Id}/note", $"/appointments/{theirSession.Id}/note?handler=Autosave", $"/appointments/{theirSession.Id}/note?handler=Finalize",
            $"/clients/{theirClient.Id}/notes/new", $"/clients/{theirClient.Id}/notes/new?handler=Autosave", $"/clients/{theirClient.Id}/notes/new?handler=Finalize",
        ];
        foreach (var url in posts)
            Assert.True((await browser.PostWithTokenAsync(url, token, fields)).StatusCode == HttpStatusCode.NotFound, $"POST {url} was found");

        var stored = await App.StoredNoteAsync(theirDraft.Id);
        Assert.Equal(("Their secret", "Feels better", SessionNoteStatus.Draft, (DateTimeOffset?)null), (stored.Assessment, stored.Subjective, stored.Status, stored.DeletedAt));
        Assert.Equal(3, (await App.StoredNotesAsync()).Count);
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_and_posts_without_a_token_are_refused()
    {
        var mine = await App.PracticeAsync("Mine", "me@example.com");
        var client = await App.ClientAsync(mine.Workspace.Id);
        var note = await App.NoteAsync(mine, client.Id);
        var browser = await App.SignedInAsync("me@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/notes/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/notes/not-a-guid")).StatusCode);
        var noToken = await browser.PostAsync($"/notes/{note.Id}?handler=Autosave", new FormUrlEncodedContent([new("subjective", "x")]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("Feels better", (await App.StoredNoteAsync(note.Id)).Subjective);
    }
}
