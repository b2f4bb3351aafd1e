using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Admin;
using PazPaz.Domain;
using PazPaz.Notifications;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

public sealed class InvitationTests(PazPazApp app) : AppTest(app)
{
    private async Task<HttpClient> OwnerAsync()
    {
        await App.PracticeAsync();
        return await App.SignedInAsync("dana@example.com");
    }

    private async Task<HttpResponseMessage> AcceptAsync(string path, HttpClient? browser = null)
    {
        browser ??= App.Browser();
        var page = await browser.GetPageAsync(path);
        return await browser.SubmitAsync(page, "main form");
    }

    [Fact]
    public async Task An_invited_assistant_sees_who_invited_them_accepts_with_a_post_and_lands_signed_in_on_the_calendar()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");

        var assistant = App.Browser();
        var page = await assistant.GetPageAsync(path);
        var summary = page.QuerySelector("[data-testid=invitation-summary]")!.TextContent;
        Assert.Contains("Dana Levi", summary);
        Assert.Contains("Ruth Adler", summary);
        Assert.Contains("Sea Breeze Massage", summary);
        Assert.Contains("assistant", summary);
        // Opening the link (as a mail scanner does) accepts nothing.
        Assert.Equal(0, await App.WithDbAsync(db => db.Users.IgnoreWall().CountAsync(u => u.Email == "ruth@example.com")));

        var response = await assistant.SubmitAsync(page, "main form");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await assistant.GetAsync("/calendar")).StatusCode);
        var ruth = await App.WithDbAsync(db => db.Users.IgnoreWall().SingleAsync(u => u.Email == "ruth@example.com"));
        Assert.Equal((UserRole.Assistant, "Ruth Adler", true), (ruth.Role, ruth.FullName, ruth.LastSignInAt is not null));
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((InvitationStatus.Accepted, ruth.Id), (invitation.Status, invitation.AcceptedUserId));
        Assert.Equal(1, await App.WithDbAsync(db => db.UserSessions.IgnoreWall().CountAsync(s => s.UserId == ruth.Id && s.EndedAt == null)));
        var login = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().SingleAsync(e => e.Action == AuditAction.Login && e.UserId == ruth.Id));
        Assert.Contains("invitation", login.Metadata);
    }

    [Fact]
    public async Task The_email_has_text_and_html_with_one_link_and_goes_out_once_and_only_the_hash_is_stored()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var messages = await App.InvitationsToAsync("ruth@example.com", 1);

        // More passes of the sender (the every-minute job) send nothing again.
        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<DeliverySender>().SendDueAsync();
        Assert.Single(App.InvitationsTo("ruth@example.com"));
        var message = Assert.Single(messages);
        var link = Invites.LinkIn(message)!;
        Assert.Contains("Dana Levi invited you to Sea Breeze Massage", message.Subject);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(link), message.HtmlBody);
        var token = link[(link.LastIndexOf('/') + 1)..];
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(PazPaz.Security.Tokens.Hash(token), invitation.TokenHash);
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM invitations WHERE token_hash = @t OR token_hash IS NULL";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "t";
        parameter.Value = token;
        command.Parameters.Add(parameter);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Accepting_twice_answers_410_and_makes_one_account()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var first = App.Browser();
        var page = await first.GetPageAsync(path);
        var second = App.Browser();
        var secondPage = await second.GetPageAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, (await first.SubmitAsync(page, "main form")).StatusCode);
        var again = await second.SubmitAsync(secondPage, "main form");

        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already accepted", (await again.ParseAsync()).QuerySelector("[data-testid=invitation-refusal]")!.TextContent);
        Assert.Equal(HttpStatusCode.Gone, (await App.Browser().GetAsync(path)).StatusCode);
        Assert.Equal(1, await App.WithDbAsync(db => db.Users.IgnoreWall().CountAsync(u => u.Email == "ruth@example.com")));
    }

    [Fact]
    public async Task Two_acceptances_at_the_same_moment_make_one_account_and_one_answers_410()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var (first, second) = (App.Browser(), App.Browser());
        var (firstPage, secondPage) = (await first.GetPageAsync(path), await second.GetPageAsync(path));

        var answers = await Task.WhenAll(first.SubmitAsync(firstPage, "main form"), second.SubmitAsync(secondPage, "main form"));

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Gone], answers.Select(a => a.StatusCode).Order());
        Assert.Equal(1, await App.WithDbAsync(db => db.Users.IgnoreWall().CountAsync(u => u.Email == "ruth@example.com")));
    }

    [Fact]
    public async Task A_link_older_than_seven_days_answers_410_and_a_resend_brings_a_working_one()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var holder = App.Browser();
        var page = await holder.GetPageAsync(path);

        App.Clock.Advance(Invitation.Lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await App.Browser().GetAsync(path)).StatusCode);
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        var expired = await App.Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("expired", (await expired.ParseAsync()).QuerySelector("[data-testid=invitation-refusal]")!.TextContent);
        var late = await holder.SubmitAsync(page, "main form");
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Users.IgnoreWall().CountAsync(u => u.Email == "ruth@example.com")));

        // The owner's session ended with the idle timeout meanwhile: sign in again, and resend the expired invitation.
        owner = await App.SignedInAsync("dana@example.com");
        var team = await owner.GetPageAsync(Invites.TeamUrl);
        Assert.Contains("Expired", team.QuerySelector("[data-invitation-id]")!.TextContent);
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());
        await owner.TeamActionAsync("Resend", invitation.Id);
        var fresh = await App.InvitationPathAsync("ruth@example.com", 2);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task Resending_makes_a_new_link_and_the_old_one_stops_working()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var old = await App.InvitationPathAsync("ruth@example.com");
        var holder = App.Browser();
        var oldPage = await holder.GetPageAsync(old);
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());

        var resent = await owner.TeamActionAsync("Resend", invitation.Id);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        var fresh = await App.InvitationPathAsync("ruth@example.com", 2);

        Assert.NotEqual(old, fresh);
        Assert.Equal(HttpStatusCode.NotFound, (await App.Browser().GetAsync(old)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await holder.SubmitAsync(oldPage, "main form")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(fresh)).StatusCode);
        Assert.Equal(2, App.InvitationsTo("ruth@example.com").Count);
    }

    [Fact]
    public async Task A_revoked_invitation_answers_410_and_leaves_the_list()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());

        var revoked = await owner.Htmx().TeamActionAsync("Revoke", invitation.Id);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var team = await revoked.ParseAsync();
        Assert.Contains("revoked", team.QuerySelector("#team [role=status]")!.TextContent);
        Assert.Null(team.QuerySelector("[data-invitation-id]"));
        var answer = await App.Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, answer.StatusCode);
        Assert.Contains("withdrawn", (await answer.ParseAsync()).QuerySelector("[data-testid=invitation-refusal]")!.TextContent);
        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.ResourceType == nameof(Invitation) && e.ResourceId == invitation.Id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(AuditAction.Create, events[0].Action);
        Assert.Contains(events, e => e.Action == AuditAction.Update && e.Changes!.Contains("revoked_at") && e.WorkspaceId == invitation.WorkspaceId);
        Assert.All(events, e => Assert.DoesNotContain(invitation.TokenHash!, e.Changes ?? ""));
    }

    [Theory]
    [InlineData("/invitations/not-a-real-token")]
    [InlineData("/invitations/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/invitations/%E2%9C%93%20x")]
    public async Task An_unknown_link_answers_404_with_a_page_never_a_crash(string path)
    {
        var answer = await App.Browser().GetAsync(path);
        Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path} answered {(int)answer.StatusCode}");
    }

    [Fact]
    public async Task An_unknown_link_page_explains_itself()
    {
        var answer = await App.Browser().GetAsync("/invitations/not-a-real-token");
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("does not work", (await answer.ParseAsync()).QuerySelector("[data-testid=invitation-refusal]")!.TextContent);
    }

    [Fact]
    public async Task Accepting_in_a_browser_signed_in_as_someone_else_signs_them_out_first()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");

        var response = await AcceptAsync(path, owner);

        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        var settings = await owner.GetPageAsync("/settings");
        Assert.Contains("Ruth Adler", settings.Body!.TextContent);
        var dana = await App.WithDbAsync(db => db.Users.IgnoreWall().SingleAsync(u => u.Email == "dana@example.com"));
        Assert.Equal(0, await App.WithDbAsync(db => db.UserSessions.IgnoreWall().CountAsync(s => s.UserId == dana.Id && s.EndedAt == null)));
    }

    [Fact]
    public async Task Someone_who_owes_two_step_set_up_elsewhere_can_still_open_and_accept_an_invitation_in_their_browser()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var other = await App.PracticeAsync("Other Practice", "eve@example.com");
        var browser = await App.SignedInAsync("eve@example.com");
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE workspaces SET require_two_factor = true WHERE id = {other.Workspace.Id}"));
        Assert.Equal("/settings/security", (await browser.GetAsync("/calendar")).Headers.Location?.OriginalString);

        var response = await AcceptAsync(path, browser);

        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/calendar")).StatusCode);
    }

    [Fact]
    public async Task Addresses_are_trimmed_and_case_insensitive_and_a_member_or_a_waiting_invitation_is_refused()
    {
        var owner = await OwnerAsync();
        var (first, _) = await owner.InviteAsync("Ruth Adler", "  Ruth@Example.COM ");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal("ruth@example.com", invitation.Email);
        await App.InvitationsToAsync("ruth@example.com", 1);

        var (again, againPage) = await owner.Htmx().InviteAsync("Ruth A.", "RUTH@example.com");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Contains("already has an invitation waiting", againPage.QuerySelector("#Input_Email-error")!.TextContent);

        var (member, memberPage) = await owner.InviteAsync("Dana again", " DANA@example.com");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, member.StatusCode);
        Assert.Contains("already has an account in this practice", memberPage.QuerySelector("#Input_Email-error")!.TextContent);
        Assert.Equal(1, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task Blank_or_malformed_fields_are_named_with_422_for_htmx()
    {
        var owner = await OwnerAsync();
        var (response, page) = await owner.Htmx().InviteAsync("", "not-an-address");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Enter the person's name", page.QuerySelector("#Input_FullName-error")!.TextContent);
        Assert.Contains("valid e-mail address", page.QuerySelector("#Input_Email-error")!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_platform_admin_invites_a_therapist_whose_acceptance_creates_the_practice_and_its_owner()
    {
        await App.PracticeAsync();
        await RunAsync("make-platform-admin", "--email", "dana@example.com");
        var invited = await RunAsync("invite-therapist", "--email", " Noa@Example.com", "--name", "Noa Friedman", "--workspace", "Harbour Physio",
            "--time-zone", "Asia/Jerusalem");
        Assert.Equal(0, invited.Code);
        // The command queues the e-mail; the running app's job sends it.
        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<DeliverySender>().SendDueAsync();
        var path = await App.InvitationPathAsync("noa@example.com");
        var message = Assert.Single(App.InvitationsTo("noa@example.com"));
        Assert.Contains("Harbour Physio", message.Subject);

        var browser = App.Browser();
        var page = await browser.GetPageAsync(path);
        Assert.Contains("owner of a new practice", page.QuerySelector("[data-testid=invitation-summary]")!.TextContent);
        var response = await browser.SubmitAsync(page, "main form");

        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        var workspace = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Name == "Harbour Physio"));
        Assert.Equal("Asia/Jerusalem", workspace.TimeZone);
        var noa = await App.WithDbAsync(db => db.Users.IgnoreWall().SingleAsync(u => u.Email == "noa@example.com"));
        Assert.Equal((workspace.Id, UserRole.Owner), (noa.WorkspaceId, noa.Role));
        // Her first notification settings follow an Israeli week: today's schedule Sunday to Thursday.
        var settings = await App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().SingleAsync(s => s.UserId == noa.Id));
        Assert.Equal([0, 1, 2, 3, 4], settings.DigestDays);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Invites.TeamUrl)).StatusCode);
    }

    [Fact]
    public async Task Invite_therapist_needs_a_platform_admin_and_refuses_an_address_with_an_account()
    {
        await App.PracticeAsync();
        var none = await RunAsync("invite-therapist", "--email", "noa@example.com", "--name", "Noa", "--workspace", "Harbour", "--time-zone", "UTC");
        Assert.Equal(1, none.Code);
        Assert.Contains("No platform admin yet", none.Error);

        await RunAsync("make-platform-admin", "--email", "dana@example.com");
        var taken = await RunAsync("invite-therapist", "--email", "DANA@example.com", "--name", "Dana", "--workspace", "Second", "--time-zone", "UTC");
        var badZone = await RunAsync("invite-therapist", "--email", "noa@example.com", "--name", "Noa", "--workspace", "Harbour", "--time-zone", "Mars/Olympus");

        Assert.Equal((1, true), (taken.Code, taken.Error.Contains("dana@example.com already has an account")));
        Assert.Equal((1, true), (badZone.Code, badZone.Error.Contains("not a time zone we know")));
        Assert.Equal(0, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task An_email_for_a_replaced_link_or_a_revoked_invitation_is_skipped_not_sent()
    {
        var practice = await App.PracticeAsync();
        // Rows written the way the service writes them, but with nobody waking the sender: this test runs it.
        var (replaced, revoked) = await App.WithDbAsync(async db =>
        {
            var now = App.Clock.GetUtcNow();
            var ruth = Invitation.ForAssistant(practice.Owner, "ruth@example.com", "Ruth", [practice.Owner], [], now);
            var eve = Invitation.ForAssistant(practice.Owner, "eve@example.com", "Eve", [practice.Owner], [], now);
            db.Invitations.AddRange(ruth, eve);
            foreach (var invitation in new[] { ruth, eve })
                db.NotificationDeliveries.Add(NotificationDelivery.Claim(practice.Workspace.Id, practice.Owner.Id, NotificationKinds.Invitation,
                    PazPaz.Team.Invitations.OccasionKey(invitation), now));
            ruth.Resend(now); // its first row is now for an outdated link; no row was queued for the new one here
            eve.Revoke(now);
            await db.SaveChangesAsync();
            return (ruth, eve);
        });

        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<DeliverySender>().SendDueAsync();

        Assert.Empty(App.InvitationsTo("ruth@example.com"));
        Assert.Empty(App.InvitationsTo("eve@example.com"));
        var rows = await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters().Where(d => d.Kind == NotificationKinds.Invitation).ToListAsync());
        Assert.All(rows, d => Assert.Equal(DeliveryStatus.Skipped, d.Status));
        Assert.Contains(rows, d => d.LastError == "A newer link was sent.");
        Assert.Null((await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.Id == replaced.Id))).TokenHash);
        Assert.Null((await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.Id == revoked.Id))).TokenHash);
    }

    [Fact]
    public async Task A_suspended_practices_invitation_cannot_be_accepted()
    {
        var owner = await OwnerAsync();
        await owner.InviteAsync("Ruth Adler", "ruth@example.com");
        var path = await App.InvitationPathAsync("ruth@example.com");
        var holder = App.Browser();
        var page = await holder.GetPageAsync(path);
        await App.WithDbAsync(async db =>
        {
            (await db.Workspaces.IgnoreQueryFilters().SingleAsync()).Suspend();
            await db.SaveChangesAsync();
        });

        var answer = await holder.SubmitAsync(page, "main form");

        Assert.Equal(HttpStatusCode.Gone, answer.StatusCode);
        Assert.Contains("not using PazPaz", (await answer.ParseAsync()).QuerySelector("[data-testid=invitation-refusal]")!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.Users.IgnoreWall().CountAsync(u => u.Email == "ruth@example.com")));
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(App.Services, args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
