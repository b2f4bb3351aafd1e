using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notes;

/// <summary>The service pages and API share, on real PostgreSQL, as a signed-in owner's request would call it.</summary>
public sealed class SessionNotesTests(PazPazApp app) : AppTest(app)
{
    private DateTimeOffset Now => App.Clock.GetUtcNow();
    private DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);

    private async Task<(Seed.Practice Practice, Client Client)> PracticeAsync()
    {
        var practice = await App.PracticeAsync();
        return (practice, await App.ClientAsync(practice.Workspace.Id));
    }

    private static Func<SessionNoteContent, SessionNoteContent> Typed(string subjective) => c => c with { Subjective = subjective };

    [Fact]
    public async Task Write_note_twice_on_one_appointment_opens_the_same_note()
    {
        var (practice, client) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-2), minutes: 45);

        var first = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.OpenForAppointmentAsync(appointment.Id)));
        var second = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.OpenForAppointmentAsync(appointment.Id)));

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Note.Id, second.Note.Id);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(appointment.ScheduledStart, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).DateTime);
        Assert.Equal((client.Id, 45, day, SessionNoteStatus.Draft), (first.Note.ClientId, first.Note.DurationMinutes, first.Note.SessionDate, first.Note.Status));
        Assert.Equal(1, await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_note_for_a_later_day_or_a_cancelled_appointment_is_refused()
    {
        var (practice, client) = await PracticeAsync();
        var tomorrow = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddDays(1));
        var cancelled = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddHours(-3), status: AppointmentStatus.Cancelled);

        var later = Assert.IsType<NoteResult.Invalid>(await App.AsNotesUserAsync(practice.Owner, n => n.OpenForAppointmentAsync(tomorrow.Id)));
        var gone = Assert.IsType<NoteResult.Invalid>(await App.AsNotesUserAsync(practice.Owner, n => n.OpenForAppointmentAsync(cancelled.Id)));

        Assert.Contains("from that day on", later.Problems["SessionDate"]);
        Assert.Contains("cancelled", gone.Problems["AppointmentId"]);
    }

    [Fact]
    public async Task A_stale_save_is_a_conflict_with_the_stored_text_and_overwrites_nothing()
    {
        var (practice, client) = await PracticeAsync();
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id))).Note;
        var loaded = note.Revision;

        var tabA = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.SaveDraftAsync(note.Id, loaded, Typed("From tab A"))));
        var tabB = await App.AsNotesUserAsync(practice.Owner, n => n.SaveDraftAsync(note.Id, loaded, Typed("From tab B")));

        var conflict = Assert.IsType<NoteResult.Conflict>(tabB);
        Assert.Equal("From tab A", conflict.Current.Subjective);
        Assert.Equal(tabA.Note.Revision, conflict.Current.Revision);
        Assert.NotEqual(loaded, tabA.Note.Revision);
        var stored = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync());
        Assert.Equal("From tab A", stored.Subjective);
    }

    [Fact]
    public async Task Finalizing_marks_a_started_scheduled_appointment_completed_through_booking()
    {
        var (practice, client) = await PracticeAsync();
        var started = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddMinutes(-30));
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner,
            n => n.OpenForAppointmentAsync(started.Id, Typed("Low back pain")))).Note;

        var finalized = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.FinalizeAsync(note.Id, note.Revision)));

        Assert.Equal(SessionNoteStatus.Finalized, finalized.Note.Status);
        var (appointment, versions) = await App.WithDbAsync(async db => (
            await db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == started.Id),
            await db.SessionNoteVersions.IgnoreQueryFilters().Select(v => new { v.VersionNumber, v.Subjective }).ToListAsync()));
        Assert.Equal(AppointmentStatus.Completed, appointment.Status);
        Assert.Equal((1, "Low back pain"), (Assert.Single(versions).VersionNumber, versions[0].Subjective));
    }

    [Fact]
    public async Task Finalizing_before_the_appointment_starts_leaves_it_scheduled()
    {
        App.AdvanceToLocalNoon("Europe/London"); // the appointment in 10 minutes must still be today
        var (practice, client) = await PracticeAsync();
        var later = await App.AppointmentAsync(practice.Workspace.Id, client.Id, Now.AddMinutes(10));
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner,
            n => n.OpenForAppointmentAsync(later.Id, Typed("Planned")))).Note;

        Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.FinalizeAsync(note.Id, null)));

        Assert.Equal(AppointmentStatus.Scheduled, (await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync())).Status);
    }

    [Fact]
    public async Task Amending_adds_a_version_and_reading_returns_them_newest_first_with_one_read_event()
    {
        var (practice, client) = await PracticeAsync();
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id, Typed("First")))).Note;
        await App.AsNotesUserAsync(practice.Owner, n => n.FinalizeAsync(note.Id, null));

        var amended = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.AmendAsync(note.Id, null, Typed("Second"))));
        var read = Assert.IsType<NoteResult.Found>(await App.AsNotesUserAsync(practice.Owner, n => n.GetForReadingAsync(note.Id, "page")));

        Assert.Equal((SessionNoteStatus.Amended, 1), (amended.Note.Status, amended.Note.AmendmentCount));
        Assert.Equal([2, 1], read.Note.Versions.Select(v => v.VersionNumber));
        Assert.Equal(["Second", "First"], read.Note.Versions.Select(v => v.Subjective));
        var reads = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.Action == AuditAction.Read && e.WorkspaceId == practice.Workspace.Id).ToListAsync());
        Assert.Equal(note.Id, Assert.Single(reads).ResourceId);

        // At rest the text is ciphertext with its key version, in the note and in every version.
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT subjective FROM session_notes UNION ALL SELECT subjective FROM session_note_versions";
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new List<string>();
        while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(3, stored.Count);
        Assert.All(stored, s => Assert.StartsWith("v1:", s));
        Assert.DoesNotContain(stored, s => s.Contains("First") || s.Contains("Second"));
    }

    [Fact]
    public async Task The_timeline_is_newest_first_and_search_finds_words_in_any_field_ignoring_case()
    {
        var (practice, client) = await PracticeAsync();
        var other = await App.ClientAsync(practice.Workspace.Id, "Eli", "Ben-David");
        await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id,
            c => c with { Assessment = "Frozen shoulder\nimproving", SessionDate = Today.AddDays(-7) }));
        await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id, c => c with { Plan = "Ice the KNEE" }));
        await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(other.Id, c => c with { Plan = "knee brace" }));

        var all = Assert.IsType<NoteResult.Timeline>(await App.AsNotesUserAsync(practice.Owner, n => n.TimelineAsync(client.Id, null, "page")));
        var knee = Assert.IsType<NoteResult.Timeline>(await App.AsNotesUserAsync(practice.Owner, n => n.TimelineAsync(client.Id, "knee ice", "page")));

        Assert.Equal([Today, Today.AddDays(-7)], all.Entries.Select(e => e.SessionDate));
        Assert.Equal("Frozen shoulder · improving", all.Entries[1].AssessmentPreview);
        Assert.Equal(Today, Assert.Single(knee.Entries).SessionDate);
        var reads = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.Action == AuditAction.Read && e.WorkspaceId == practice.Workspace.Id).ToListAsync());
        Assert.Equal(2, reads.Count); // one per read, a list naming its notes
        var listRead = Assert.Single(reads, e => e.ResourceId is null);
        Assert.All(all.Entries, e => Assert.Contains(e.Id.ToString(), listRead.Metadata));
        Assert.Equal(knee.Entries[0].Id, Assert.Single(reads, e => e.ResourceId is not null).ResourceId);
    }

    [Fact]
    public async Task Delete_and_restore_within_the_grace_period()
    {
        var (practice, client) = await PracticeAsync();
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id, Typed("x")))).Note;

        var noReason = Assert.IsType<NoteResult.Invalid>(await App.AsNotesUserAsync(practice.Owner, n => n.DeleteAsync(note.Id, " ", null)));
        Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.DeleteAsync(note.Id, "Wrong client", null)));
        var deleted = Assert.IsType<NoteResult.Timeline>(await App.AsNotesUserAsync(practice.Owner, n => n.TimelineAsync(client.Id, null, "page", deleted: true)));
        var live = Assert.IsType<NoteResult.Timeline>(await App.AsNotesUserAsync(practice.Owner, n => n.TimelineAsync(client.Id, null, "page")));

        Assert.True(noReason.Problems.ContainsKey("Reason"));
        Assert.Equal(note.Id, Assert.Single(deleted.Entries).Id);
        Assert.Empty(live.Entries);

        App.Clock.Advance(TimeSpan.FromDays(29));
        Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.RestoreAsync(note.Id)));
        Assert.Null((await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync())).DeletedAt);
    }

    [Fact]
    public async Task An_assistant_is_refused_session_notes()
    {
        var (practice, client) = await PracticeAsync();
        var assistant = await App.AssistantAsync(practice.Workspace.Id);

        Assert.IsType<NoteResult.Forbidden>(await App.AsNotesUserAsync(assistant, n => n.CreateStandaloneAsync(client.Id)));
        Assert.IsType<NoteResult.Forbidden>(await App.AsNotesUserAsync(assistant, n => n.TimelineAsync(client.Id, null, "page")));
    }

    [Fact]
    public async Task Notes_of_another_workspace_are_not_found()
    {
        var (practice, client) = await PracticeAsync();
        var theirs = await App.PracticeAsync("Theirs", "them@example.com");
        var note = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.CreateStandaloneAsync(client.Id, Typed("Mine")))).Note;

        Assert.IsType<NoteResult.NotFound>(await App.AsNotesUserAsync(theirs.Owner, n => n.GetForReadingAsync(note.Id, "page")));
        Assert.IsType<NoteResult.NotFound>(await App.AsNotesUserAsync(theirs.Owner, n => n.SaveDraftAsync(note.Id, null, Typed("Theirs"))));
        Assert.IsType<NoteResult.NotFound>(await App.AsNotesUserAsync(theirs.Owner, n => n.CreateStandaloneAsync(client.Id)));
    }
}

public static class NotesTestSupport
{
    /// <summary>Moves the fake clock forward to the next 12:00 in <paramref name="zone"/> (tests that need "later today").</summary>
    public static void AdvanceToLocalNoon(this PazPazApp app, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var local = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), tz);
        var noon = local.Date.AddHours(12);
        if (local.DateTime >= noon) noon = noon.AddDays(1);
        app.Clock.Advance(noon - local.DateTime);
    }

    /// <summary>Runs <paramref name="work"/> with <see cref="SessionNotes"/> as a signed-in user's request does (a fresh scope each time).</summary>
    public static async Task<T> AsNotesUserAsync<T>(this PazPazApp app, User user, Func<SessionNotes, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(user.Id, user.WorkspaceId);
        return await work(scope.ServiceProvider.GetRequiredService<SessionNotes>());
    }
}
