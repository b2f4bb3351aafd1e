using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Notifications;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notes;

public sealed class SessionNotePurgeJobTests(PazPazApp app) : AppTest(app)
{
    private async Task<int> PurgeAsync()
    {
        using var scope = App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SessionNotePurgeJob>().RunAsync();
    }

    private Task<List<Guid>> NoteIdsAsync() => App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().Select(n => n.Id).ToListAsync());

    [Fact]
    public async Task Notes_deleted_over_30_days_ago_are_purged_with_their_versions_and_audited_by_field_name()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id);
        async Task<Guid> NoteAsync(string text, bool finalize)
        {
            var saved = Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner,
                n => n.CreateStandaloneAsync(client.Id, c => c with { Subjective = text })));
            if (finalize) Assert.IsType<NoteResult.Saved>(await App.AsNotesUserAsync(practice.Owner, n => n.FinalizeAsync(saved.Note.Id, null)));
            return saved.Note.Id;
        }
        Task DeleteAsync(Guid id) => App.AsNotesUserAsync(practice.Owner, n => n.DeleteAsync(id, "Secret-reason", null));

        var finalizedEarly = await NoteAsync("Secret-one", finalize: true);
        var draftEarly = await NoteAsync("Secret-two", finalize: false);
        var live = await NoteAsync("Secret-three", finalize: true);
        await DeleteAsync(finalizedEarly);
        await DeleteAsync(draftEarly);
        App.Clock.Advance(TimeSpan.FromDays(10));
        var deletedLater = await NoteAsync("Secret-four", finalize: false);
        await DeleteAsync(deletedLater);

        App.Clock.Advance(TimeSpan.FromDays(20).Subtract(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await PurgeAsync()); // one minute before the first two's 30 days are up

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await PurgeAsync());

        Assert.Equal([live, deletedLater], (await NoteIdsAsync()).Order());
        var versions = await App.WithDbAsync(db => db.SessionNoteVersions.IgnoreQueryFilters().Select(v => v.SessionNoteId).ToListAsync());
        Assert.Equal([live], versions);
        var purgeEvents = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.WorkspaceId == practice.Workspace.Id && e.Action == AuditAction.Delete).ToListAsync());
        Assert.Equal(new[] { draftEarly, finalizedEarly }.Order(), purgeEvents.Where(e => e.ResourceType == nameof(SessionNote)).Select(e => e.ResourceId!.Value).Order());
        Assert.Single(purgeEvents, e => e.ResourceType == nameof(SessionNoteVersion));
        Assert.All(purgeEvents, e => Assert.Null(e.UserId));
        var noteEvent = purgeEvents.First(e => e.ResourceId == finalizedEarly);
        var changes = System.Text.Json.Nodes.JsonNode.Parse(noteEvent.Changes!)!.AsObject();
        Assert.True(changes.ContainsKey("subjective") && changes["subjective"] is null); // the name, never the text
        Assert.Equal("finalized", changes["status"]!["old"]!.GetValue<string>());
        Assert.All(purgeEvents, e => Assert.DoesNotContain("Secret", e.Changes ?? ""));

        App.Clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(1, await PurgeAsync());
        Assert.Equal([live], await NoteIdsAsync());
    }

    [Fact]
    public async Task The_purge_is_a_recurring_job_next_to_the_e_mail_jobs()
    {
        using var scope = App.Services.CreateScope();
        App.Services.ScheduleNotificationJobs();

        // The app's own storage, not Hangfire's process-wide JobStorage.Current: another test's app (pointed at a database
        // that is down) may have set that last.
        using var connection = App.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        var recurring = Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection);

        Assert.Contains(recurring, j => j.Id == SessionNotePurgeJob.RecurringId && j.Cron == "30 3 * * *");
        Assert.Contains(recurring, j => j.Id == NotificationJob.PurgeId);
        Assert.Contains(recurring, j => j.Id == PazPaz.Files.AttachmentPurgeJob.RecurringId && j.Cron == "15 3 * * *");
    }
}
