using System.Net;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Appointments;

/// <summary>Drag and drop, status changes, delete and the toast's undo, as calendar.js and the dialog send them.</summary>
public sealed class AppointmentActionTests(PazPazApp app) : AppTest(app)
{
    // Tuesday 10 March 2026, 10:00 in London (GMT).
    private static readonly DateTimeOffset Ten = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private async Task<(Seed.Practice Practice, Client Noa, HttpClient Browser)> PracticeAsync()
    {
        var practice = await App.PracticeAsync();
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, noa, (await App.SignedInAsync(practice.Owner.Email)).AsHtmx());
    }

    /// <summary>A whole hour two to three hours before the test clock's now: completing and no-show need a session that has started (§4).</summary>
    private DateTimeOffset StartedEarlier()
    {
        var now = App.Clock.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
    }

    private Task<Appointment> ReloadAsync(Guid id) => App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync(a => a.Id == id));

    private static IElement Toast(IDocument answer) =>
        answer.QuerySelector("#toast[hx-swap-oob]") ?? throw new InvalidOperationException("No toast in the answer.");

    private static void AssertToastAnswer(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", response.Headers.GetValues("HX-Reswap").Single());
        Assert.Contains(response.HxTriggers(), t => t.Contains("appointment-saved"));
    }

    [Fact]
    public async Task A_drop_moves_the_appointment_and_undo_puts_it_back()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);

        var moved = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/reschedule", ("start", "2026-03-11T14:15"), ("end", "2026-03-11T15:15"));

        AssertToastAnswer(moved);
        var toast = Toast(await moved.ParseAsync());
        Assert.Contains("Moved to Wed 11 Mar, 14:15–15:15", toast.Text());
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 14, 15, 0, TimeSpan.Zero), (await ReloadAsync(appointment.Id)).ScheduledStart);

        var undone = await browser.SubmitAsync(await moved.ParseAsync(), "#toast form");

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.Contains(undone.HxTriggers(), t => t.Contains("appointment-saved"));
        Assert.Contains("Move undone", (await undone.ParseAsync()).Body.Text());
        var back = await ReloadAsync(appointment.Id);
        Assert.Equal((Ten, Ten.AddHours(1)), (back.ScheduledStart, back.ScheduledEnd));
    }

    [Fact]
    public async Task A_move_without_an_end_keeps_the_appointments_length()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten, 45);

        AssertToastAnswer(await browser.PostFieldsAsync($"/appointments/{appointment.Id}/reschedule", ("start", "2026-03-10T10:15")));

        var moved = await ReloadAsync(appointment.Id);
        Assert.Equal((Ten.AddMinutes(15), Ten.AddMinutes(60)), (moved.ScheduledStart, moved.ScheduledEnd));
    }

    [Fact]
    public async Task A_drop_onto_another_appointment_asks_first_and_moves_only_when_confirmed()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var maya = await App.ClientAsync(practice.Workspace.Id, "Maya", "Peretz");
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, maya.Id, Ten.AddHours(3));

        var asked = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/reschedule", ("start", "2026-03-10T10:30"), ("end", "2026-03-10T11:30"));

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("#dialog-body", asked.Headers.GetValues("HX-Retarget").Single());
        var question = await asked.ParseAsync();
        Assert.Contains("This overlaps N.C. 10:00–11:00. Move anyway?", question.Body.Text());
        Assert.Equal(Ten.AddHours(3), (await ReloadAsync(appointment.Id)).ScheduledStart);

        var confirmed = await browser.SubmitAsync(question, "#confirm-move form");

        AssertToastAnswer(confirmed);
        Assert.Equal(Ten.AddMinutes(30), (await ReloadAsync(appointment.Id)).ScheduledStart);
    }

    [Fact]
    public async Task Cancelling_offers_undo_which_restores_it()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);
        var dialog = await browser.GetPageAsync($"/appointments/{appointment.Id}");

        var cancelled = await browser.SubmitAsync(dialog, "form:has(input[name=status][value=cancelled])");

        AssertToastAnswer(cancelled);
        var answer = await cancelled.ParseAsync();
        Assert.Contains("Appointment cancelled", Toast(answer).Text());
        Assert.Equal(AppointmentStatus.Cancelled, (await ReloadAsync(appointment.Id)).Status);

        var restored = await browser.SubmitAsync(answer, "#toast form");

        Assert.Contains("Appointment restored", (await restored.ParseAsync()).Body.Text());
        Assert.Equal(AppointmentStatus.Scheduled, (await ReloadAsync(appointment.Id)).Status);
    }

    [Fact]
    public async Task Completing_and_no_show_answer_with_a_toast()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, StartedEarlier());

        var completed = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "completed"));
        AssertToastAnswer(completed);
        Assert.Contains("Marked as completed", Toast(await completed.ParseAsync()).Text());
        Assert.Equal(AppointmentStatus.Completed, (await ReloadAsync(appointment.Id)).Status);

        var noShow = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "no_show"));
        AssertToastAnswer(noShow);
        Assert.Equal(AppointmentStatus.NoShow, (await ReloadAsync(appointment.Id)).Status);
    }

    [Fact]
    public async Task Complete_offers_undo_which_puts_back_what_it_was_but_only_shortly_after()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, StartedEarlier());

        var completed = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "completed"));
        var undone = await browser.SubmitAsync(await completed.ParseAsync(), "#toast form");

        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.Contains(undone.HxTriggers(), t => t.Contains("appointment-saved"));
        Assert.Contains("No longer marked completed", (await undone.ParseAsync()).Body.Text());
        Assert.Equal(AppointmentStatus.Scheduled, (await ReloadAsync(appointment.Id)).Status);

        // From a no-show, Undo goes back to the no-show.
        await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "no_show"));
        completed = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "completed"));
        await browser.SubmitAsync(await completed.ParseAsync(), "#toast form");
        Assert.Equal(AppointmentStatus.NoShow, (await ReloadAsync(appointment.Id)).Status);

        // Later, §4 holds again: a completed session does not go back.
        completed = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "completed"));
        App.Clock.Advance(Appointment.CompletionUndoWindow + TimeSpan.FromMinutes(1));
        var late = await browser.SubmitAsync(await completed.ParseAsync(), "#toast form");
        Assert.Contains("It is too late to undo this", (await late.ParseAsync()).Body.Text());
        Assert.Equal(AppointmentStatus.Completed, (await ReloadAsync(appointment.Id)).Status);
    }

    [Fact]
    public async Task A_refused_status_change_explains_why()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten, status: AppointmentStatus.Completed);

        var refused = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "scheduled"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("A completed appointment cannot go back to scheduled", (await refused.ParseAsync()).QuerySelector("[role=alert]").Text());
        Assert.Equal(AppointmentStatus.Completed, (await ReloadAsync(appointment.Id)).Status);
    }

    [Fact]
    public async Task Restoring_into_a_taken_slot_asks_before_it_overlaps()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var maya = await App.ClientAsync(practice.Workspace.Id, "Maya", "Peretz");
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten, status: AppointmentStatus.Cancelled);
        await App.AppointmentAsync(practice.Workspace.Id, maya.Id, Ten.AddMinutes(30));

        var asked = await browser.PostFieldsAsync($"/appointments/{appointment.Id}/status", ("status", "scheduled"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, asked.StatusCode);
        var question = await asked.ParseAsync();
        Assert.Contains("Overlaps 10:30–11:30 · M.P.", question.Body.Text());
        Assert.Equal(AppointmentStatus.Cancelled, (await ReloadAsync(appointment.Id)).Status);

        AssertToastAnswer(await browser.SubmitAsync(question, "form"));
        Assert.Equal(AppointmentStatus.Scheduled, (await ReloadAsync(appointment.Id)).Status);
    }

    [Fact]
    public async Task Deleting_asks_about_session_notes_and_undo_brings_it_back()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten, status: AppointmentStatus.Completed);
        var note = await App.WithDbAsync(async db =>
        {
            var n = SessionNote.Create(practice.Workspace.Id, noa.Id, new DateOnly(2026, 3, 10), appointment.Id);
            db.Add(n);
            await db.SaveChangesAsync();
            return n;
        });

        var form = await browser.GetPageAsync($"/appointments/{appointment.Id}/delete");
        Assert.Contains("It has a session note", form.QuerySelector("legend").Text());
        var deleted = await browser.SubmitAsync(form, "form", new Dictionary<string, string> { ["session_note_action"] = "keep", ["reason"] = "Booked twice" });

        AssertToastAnswer(deleted);
        var answer = await deleted.ParseAsync();
        Assert.Contains("Appointment deleted", Toast(answer).Text());
        Assert.NotNull((await ReloadAsync(appointment.Id)).DeletedAt);
        var kept = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync(n => n.Id == note.Id));
        Assert.Null(kept.AppointmentId);
        Assert.Null(kept.DeletedAt);
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .AnyAsync(e => e.ResourceId == appointment.Id && e.Action == AuditAction.Delete));
        Assert.True(audited);

        var undone = await browser.SubmitAsync(answer, "#toast form");

        Assert.Contains("Appointment brought back", (await undone.ParseAsync()).Body.Text());
        Assert.Null((await ReloadAsync(appointment.Id)).DeletedAt);
    }

    [Fact]
    public async Task Deleting_can_delete_the_session_notes_too()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);
        var note = await App.WithDbAsync(async db =>
        {
            var n = SessionNote.Create(practice.Workspace.Id, noa.Id, new DateOnly(2026, 3, 10), appointment.Id);
            db.Add(n);
            await db.SaveChangesAsync();
            return n;
        });
        var form = await browser.GetPageAsync($"/appointments/{appointment.Id}/delete");

        AssertToastAnswer(await browser.SubmitAsync(form, "form", new Dictionary<string, string> { ["session_note_action"] = "delete" }));

        var deleted = await App.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().SingleAsync(n => n.Id == note.Id));
        Assert.NotNull(deleted.DeletedAt);
    }

    [Fact]
    public async Task Undo_of_a_move_into_a_slot_taken_meanwhile_says_by_whom_and_offers_undo_anyway()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var maya = await App.ClientAsync(practice.Workspace.Id, "Maya", "Peretz");
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);
        var moved = await (await browser.PostFieldsAsync($"/appointments/{appointment.Id}/reschedule", ("start", "2026-03-10T15:00"))).ParseAsync();
        await App.AppointmentAsync(practice.Workspace.Id, maya.Id, Ten);

        var refused = await browser.SubmitAsync(moved, "#toast form");

        var toast = await refused.ParseAsync();
        Assert.Contains("That time now overlaps M.P. 10:00–11:00.", toast.Body.Text());
        Assert.Equal("Undo anyway", toast.QuerySelector("form button").Text());
        Assert.Equal(Ten.AddHours(5), (await ReloadAsync(appointment.Id)).ScheduledStart);

        await browser.SubmitAsync(toast, "form");
        Assert.Equal(Ten, (await ReloadAsync(appointment.Id)).ScheduledStart);
    }

    [Fact]
    public async Task Every_handler_that_takes_an_appointment_id_answers_404_for_another_workspaces_appointment()
    {
        var (_, _, browser) = await PracticeAsync();
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        var theirClient = await App.ClientAsync(other.Workspace.Id, "Tamar", "Friedman");
        var theirs = await App.AppointmentAsync(other.Workspace.Id, theirClient.Id, Ten);
        var id = theirs.Id;

        var gets = new[] { $"/appointments/{id}", $"/appointments/{id}/delete", $"/appointments/conflicts?date=2026-03-10&start=10:00&end=11:00&appointment_id={id}" };
        foreach (var url in gets)
            Assert.True((await browser.GetAsync(url)).StatusCode == HttpStatusCode.NotFound, $"GET {url}");

        var posts = new (string Url, (string, string)[] Fields)[]
        {
            ($"/appointments/{id}", [("client_id", theirClient.Id.ToString()), ("date", "2026-03-10"), ("start", "12:00"), ("end", "13:00")]),
            ($"/appointments/{id}/status", [("status", "cancelled")]),
            ($"/appointments/{id}/delete", [("session_note_action", "keep")]),
            ($"/appointments/{id}/reschedule", [("start", "2026-03-10T12:00")]),
            ($"/appointments/{id}/undo", [("undo", "move"), ("start", Ten.AddHours(2).ToString("o")), ("end", Ten.AddHours(3).ToString("o"))]),
            ($"/appointments/{id}/undo", [("undo", "restore")]),
            ($"/appointments/{id}/undo", [("undo", "undelete")]),
        };
        foreach (var (url, fields) in posts)
            Assert.True((await browser.PostFieldsAsync(url, fields)).StatusCode == HttpStatusCode.NotFound, $"POST {url} {fields[0]}");

        var untouched = await ReloadAsync(id);
        Assert.Equal((Ten, AppointmentStatus.Scheduled, 0, (DateTimeOffset?)null), (untouched.ScheduledStart, untouched.Status, untouched.EditCount, untouched.DeletedAt));
    }

    [Fact]
    public async Task Handlers_refuse_posts_without_the_antiforgery_token()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, Ten);

        var response = await browser.PostAsync($"/appointments/{appointment.Id}/reschedule",
            new FormUrlEncodedContent([new("start", "2026-03-10T12:00")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Ten, (await ReloadAsync(appointment.Id)).ScheduledStart);
    }
}
