using AngleSharp.Dom;
using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class TeamPageTests(PazPazApp app) : AppTest(app)
{
    private const string Url = Invites.TeamUrl;

    private async Task<(Seed.Practice Practice, HttpClient Owner, User Ruth)> TeamAsync()
    {
        var practice = await App.PracticeAsync();
        var ruth = await App.AssistantAsync(practice.Workspace.Id);
        return (practice, await App.SignedInAsync("dana@example.com"), ruth);
    }

    private Task<User> UserAsync(Guid id) => App.WithDbAsync(db => db.Users.IgnoreWall().SingleAsync(u => u.Id == id));

    [Fact]
    public async Task The_owner_sees_each_person_with_role_two_step_status_and_last_sign_in_in_the_practice_zone()
    {
        var (_, owner, ruth) = await TeamAsync();
        // Europe/London in winter or summer: the page shows the local time of Dana's sign-in, whatever the instant.
        var dana = await App.WithDbAsync(db => db.Users.IgnoreWall().SingleAsync(u => u.Email == "dana@example.com"));
        var local = TimeZoneInfo.ConvertTime(dana.LastSignInAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")).ToString("d MMM yyyy, HH:mm");

        var page = await owner.GetPageAsync(Url);

        var rows = page.QuerySelectorAll("[data-member-id]").ToList();
        Assert.Equal(2, rows.Count);
        var danaRow = System.Text.RegularExpressions.Regex.Replace(rows.Single(r => r.GetAttribute("data-member-id") == dana.Id.ToString()).TextContent, @"\s+", " ");
        Assert.Contains("Dana Levi", danaRow);
        Assert.Contains("You", danaRow);
        Assert.Contains("Owner", danaRow);
        Assert.Contains("Two-step sign-in off", danaRow);
        Assert.Contains($"Last sign-in {local}", danaRow);
        var ruthRow = System.Text.RegularExpressions.Regex.Replace(rows.Single(r => r.GetAttribute("data-member-id") == ruth.Id.ToString()).TextContent, @"\s+", " ");
        Assert.Contains("Assistant", ruthRow);
        Assert.Contains("Last sign-in never", ruthRow);
        Assert.NotNull(page.QuerySelector("nav[aria-label=Settings] a[href='/settings/team']"));
    }

    [Fact]
    public async Task An_assistant_gets_403_with_the_reason_and_no_team_tab()
    {
        var (_, _, ruth) = await TeamAsync();
        var assistant = await App.SignedInAsync(ruth.Email);

        var get = await assistant.GetAsync(Url);
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Contains("Only the practice owner", await get.Content.ReadAsStringAsync());

        var settings = await assistant.GetPageAsync("/settings/sessions");
        Assert.Null(settings.QuerySelector("a[href='/settings/team']"));
        var form = settings.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("main form")!;
        var antiforgery = form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var post = await assistant.PostAsync($"{Url}?handler=Invite", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery, ["Input.FullName"] = "Eve", ["Input.Email"] = "eve@example.com",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var deactivate = await assistant.PostAsync($"{Url}?handler=Deactivate&id={ruth.Id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
        }));
        Assert.Equal(HttpStatusCode.Forbidden, deactivate.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().CountAsync()));
        Assert.True((await UserAsync(ruth.Id)).IsActive);
    }

    [Fact]
    public async Task Changing_roles_works_both_ways_but_the_last_active_owner_cannot_be_demoted()
    {
        var (practice, owner, ruth) = await TeamAsync();

        var alone = await owner.Htmx().TeamActionAsync("Role", practice.Owner.Id);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, alone.StatusCode);
        Assert.Contains(User.LastOwner, (await alone.ParseAsync()).QuerySelector("#team [role=alert]")!.TextContent);
        Assert.Equal(UserRole.Owner, (await UserAsync(practice.Owner.Id)).Role);

        Assert.Equal(HttpStatusCode.OK, (await owner.TeamActionAsync("Role", ruth.Id)).StatusCode);
        Assert.Equal(UserRole.Owner, (await UserAsync(ruth.Id)).Role);
        // Now there are two owners: Dana may step down, and then Ruth is the last one.
        Assert.Equal(HttpStatusCode.OK, (await owner.TeamActionAsync("Role", practice.Owner.Id)).StatusCode);
        Assert.Equal(UserRole.Assistant, (await UserAsync(practice.Owner.Id)).Role);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(Url)).StatusCode);

        var updates = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.ResourceType == nameof(User) && e.Action == AuditAction.Update).ToListAsync());
        Assert.Equal(2, updates.Count(e => e.Changes?.Contains("\"role\"") == true));
    }

    [Fact]
    public async Task A_role_given_as_a_number_or_an_unknown_word_is_a_bad_request()
    {
        var (_, owner, ruth) = await TeamAsync();
        var page = await owner.GetPageAsync(Url);
        var token = page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        foreach (var role in new[] { "0", "king", "" })
        {
            var response = await owner.PostAsync($"{Url}?handler=Role&id={ruth.Id}&role={role}",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal(UserRole.Assistant, (await UserAsync(ruth.Id)).Role);
    }

    [Fact]
    public async Task Deactivating_ends_the_persons_sessions_and_revokes_their_tokens_and_feeds_at_once_and_reactivating_lets_them_sign_in()
    {
        var (practice, owner, ruth) = await TeamAsync();
        var assistant = await App.SignedInAsync(ruth.Email);
        var secret = await App.ApiTokenAsync(ruth.Email);
        var api = App.WithBearer(secret);
        await App.WithDbAsync(async db =>
        {
            db.CalendarFeeds.Add(CalendarFeed.Create(practice.Workspace.Id, ruth.Id, new FeedSettings("Ruth"), PazPaz.Security.Tokens.Hash("feed-token")));
            await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.OK, (await assistant.GetAsync("/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients")).StatusCode);

        var response = await owner.Htmx().TeamActionAsync("Deactivate", ruth.Id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calendar = await assistant.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, calendar.StatusCode);
        Assert.Contains("/sign-in", calendar.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients")).StatusCode);
        var sessions = await App.WithDbAsync(db => db.UserSessions.IgnoreWall().Where(s => s.UserId == ruth.Id).ToListAsync());
        Assert.All(sessions, s => Assert.Equal(SessionEndReason.Deactivated, s.EndReason));
        Assert.Equal(0, await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().CountAsync(t => t.UserId == ruth.Id && t.RevokedAt == null)));
        Assert.Equal(0, await App.WithDbAsync(db => db.CalendarFeeds.IgnoreWall().CountAsync(f => f.UserId == ruth.Id && f.RevokedAt == null)));
        Assert.Contains("Deactivated", (await response.ParseAsync()).QuerySelector($"[data-member-id='{ruth.Id}']")!.TextContent);
        var ended = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.UserId == ruth.Id && e.Action == AuditAction.Logout).ToListAsync());
        Assert.Contains(ended, e => e.Metadata!.Contains("deactivated"));

        Assert.Equal(HttpStatusCode.OK, (await owner.Htmx().TeamActionAsync("Reactivate", ruth.Id)).StatusCode);
        Assert.True((await UserAsync(ruth.Id)).IsActive);
        await App.SignedInAsync(ruth.Email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task Nobody_deactivates_themselves_and_the_last_active_owner_cannot_be_deactivated()
    {
        var (practice, owner, ruth) = await TeamAsync();

        var self = await owner.Htmx().PostAsync($"{Url}?handler=Deactivate&id={practice.Owner.Id}",
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = (await owner.GetPageAsync(Url)).QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value,
            }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.True((await UserAsync(practice.Owner.Id)).IsActive);

        // Ruth becomes an owner and Dana is deactivated by her... then Ruth, the last active owner, cannot be demoted.
        await owner.TeamActionAsync("Role", ruth.Id);
        var ruthBrowser = await App.SignedInAsync(ruth.Email);
        Assert.Equal(HttpStatusCode.Redirect, (await ruthBrowser.TeamActionAsync("Deactivate", practice.Owner.Id)).StatusCode);
        Assert.False((await UserAsync(practice.Owner.Id)).IsActive);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ruthBrowser.Htmx().TeamActionAsync("Role", ruth.Id)).StatusCode);
        Assert.Equal(UserRole.Owner, (await UserAsync(ruth.Id)).Role);
    }

    [Fact]
    public async Task Another_practices_user_or_invitation_is_not_found()
    {
        var (_, owner, _) = await TeamAsync();
        var other = await App.PracticeAsync("Other Practice", "other@example.com");
        var otherAssistant = await App.AssistantAsync(other.Workspace.Id, "eve@example.com", "Eve");
        var otherOwner = await App.SignedInAsync("other@example.com");
        await otherOwner.InviteAsync("Zoe", "zoe@example.com");
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());

        var page = await owner.GetPageAsync(Url);
        var token = page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        foreach (var target in new[]
                 {
                     $"handler=Role&id={otherAssistant.Id}&role=Owner", $"handler=Deactivate&id={otherAssistant.Id}",
                     $"handler=Reactivate&id={other.Owner.Id}", $"handler=Resend&id={invitation.Id}", $"handler=Revoke&id={invitation.Id}",
                 })
        {
            var response = await owner.PostAsync($"{Url}?{target}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{target} answered {(int)response.StatusCode}");
        }
        Assert.True((await UserAsync(otherAssistant.Id)).IsActive);
        Assert.Equal(UserRole.Assistant, (await UserAsync(otherAssistant.Id)).Role);
        Assert.Equal(InvitationStatus.Pending, (await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync())).Status);
        Assert.Null(page.QuerySelector($"[data-invitation-id='{invitation.Id}']"));
    }
}
