using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Admin;

/// <summary>The platform admin console (/admin): practices, suspension, deletion and the blocklist (§1).</summary>
public sealed class AdminConsoleTests(PazPazApp app) : AppTest(app)
{
    /// <summary>The operator's own practice with a platform admin, and a therapist's practice with a client.</summary>
    private async Task<(Seed.Practice Operator, Seed.Practice Therapist, HttpClient Admin)> SetUpAsync()
    {
        var ops = await App.PracticeAsync("PazPaz Operations", "ops@example.com");
        await App.WithDbAsync(async db =>
        {
            var admin = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Id == ops.Owner.Id);
            admin.MakePlatformAdmin();
            await db.SaveChangesAsync();
        });
        var therapist = await App.PracticeAsync("Sea Breeze Massage", "dana@example.com");
        await App.ClientAsync(therapist.Workspace.Id, "Zebulon", "Quartz");
        return (ops, therapist, await App.SignedInAsync("ops@example.com"));
    }

    [Fact]
    public async Task Everyone_but_a_platform_admin_gets_404()
    {
        var (_, therapist, _) = await SetUpAsync();
        var owner = await App.SignedInAsync("dana@example.com");

        foreach (var url in new[] { "/admin", $"/admin/workspaces/{therapist.Workspace.Id}", "/admin/blocklist", "/admin/invitations" })
            Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(url)).StatusCode);
        var page = await owner.GetPageAsync("/calendar");
        Assert.Null(page.QuerySelector("a[href='/admin']"));
    }

    [Fact]
    public async Task The_admin_finds_practices_by_name_and_status_and_sees_counts_never_client_names()
    {
        var (_, therapist, admin) = await SetUpAsync();
        await App.PracticeAsync("Quiet Physio", "lior@example.com");

        var all = await admin.GetPageAsync("/admin");
        Assert.Equal(3, all.QuerySelectorAll("[data-testid=practice]").Length);
        Assert.NotNull(all.QuerySelector("a[href='/admin']"));
        var found = await admin.GetPageAsync("/admin?q=breeze");
        Assert.Equal(["Sea Breeze Massage"], found.QuerySelectorAll("[data-testid=practice] a").Select(a => a.TextContent).ToArray());
        Assert.Empty((await admin.GetPageAsync("/admin?status=Suspended")).QuerySelectorAll("[data-testid=practice]"));
        Assert.Empty((await admin.GetPageAsync("/admin?q=%25")).QuerySelectorAll("[data-testid=practice]"));
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE workspaces SET storage_used_bytes = 3145728 WHERE id = {therapist.Workspace.Id}"));
        var large = await admin.GetPageAsync("/admin?storage_mb=2&sort=storage");
        Assert.Equal(["Sea Breeze Massage"], large.QuerySelectorAll("[data-testid=practice] a").Select(a => a.TextContent).ToArray());

        var bad = await admin.GetAsync("/admin?status=Gone&created_from=yesterday&quiet_days=-1&storage_mb=-5");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var details = await admin.GetAsync($"/admin/workspaces/{therapist.Workspace.Id}");
        var html = await details.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        Assert.Contains("dana@example.com", html);
        Assert.DoesNotContain("Zebulon", html);
        Assert.DoesNotContain("Quartz", html);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/workspaces/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Suspending_ends_every_session_and_token_of_the_practice_at_once_and_reactivating_lets_them_back()
    {
        var (_, therapist, admin) = await SetUpAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        var page = await admin.GetPageAsync($"/admin/workspaces/{therapist.Workspace.Id}");

        var suspended = await admin.SubmitAsync(page, "form[action*='handler=Suspend']");

        Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/calendar")).StatusCode); // to the sign-in page
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients")).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.UserSessions.IgnoreQueryFilters()
            .CountAsync(s => s.WorkspaceId == therapist.Workspace.Id && s.EndedAt == null)));
        using (var scope = App.Services.CreateScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync("dana@example.com"));
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.WorkspaceId == therapist.Workspace.Id && e.ResourceType == nameof(Workspace))
            .Select(e => e.Metadata).ToListAsync());
        Assert.Single(audited, m => m?.Contains("suspend") == true);

        page = await admin.GetPageAsync($"/admin/workspaces/{therapist.Workspace.Id}");
        Assert.Equal("Suspended", page.QuerySelector("[data-testid=practice-status]")!.TextContent);
        await admin.SubmitAsync(page, "form[action*='handler=Reactivate']");

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients")).StatusCode);
        Assert.NotNull(await App.SignedInAsync("dana@example.com"));
    }

    [Fact]
    public async Task Deleting_needs_the_practice_name_typed_and_the_admin_cannot_lock_out_their_own_practice()
    {
        var (ops, therapist, admin) = await SetUpAsync();
        var page = await admin.GetPageAsync($"/admin/workspaces/{therapist.Workspace.Id}");

        var wrong = await admin.SubmitAsync(page, "form[action*='handler=Delete']", new Dictionary<string, string> { ["ConfirmName"] = "Sea Breeze" });
        Assert.Contains("exactly", (await wrong.ParseAsync()).QuerySelector(".field-error")!.TextContent);
        Assert.Equal(WorkspaceStatus.Active, await StatusAsync(therapist.Workspace.Id));

        var deleted = await admin.SubmitAsync(page, "form[action*='handler=Delete']", new Dictionary<string, string> { ["ConfirmName"] = " Sea Breeze Massage " });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(WorkspaceStatus.Deleted, await StatusAsync(therapist.Workspace.Id));

        var own = await admin.GetPageAsync($"/admin/workspaces/{ops.Workspace.Id}");
        Assert.Null(own.QuerySelector("form[action*='handler=Suspend']"));
        var token = own.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        await admin.PostAsync($"/admin/workspaces/{ops.Workspace.Id}?handler=Suspend",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(WorkspaceStatus.Active, await StatusAsync(ops.Workspace.Id));
    }

    [Fact]
    public async Task A_blocked_address_whatever_its_case_and_spaces_cannot_sign_in_and_its_sessions_end()
    {
        var (_, _, admin) = await SetUpAsync();
        var therapist = await App.SignedInAsync("dana@example.com");
        var page = await admin.GetPageAsync("/admin/blocklist");

        var blocked = await admin.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Email"] = "  Dana@Example.COM ", ["Input.Reason"] = "Chargeback fraud" });

        Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        Assert.Equal("dana@example.com", (await App.WithDbAsync(db => db.BlockedAddresses.SingleAsync())).Email);
        Assert.Equal(HttpStatusCode.Redirect, (await therapist.GetAsync("/calendar")).StatusCode);
        using (var scope = App.Services.CreateScope())
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync("dana@example.com"));

        page = await admin.GetPageAsync("/admin/blocklist");
        var again = await admin.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Email"] = "DANA@example.com" });
        Assert.Contains("already blocked", (await again.ParseAsync()).QuerySelector(".field-error")!.TextContent);
        var invalid = await admin.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Email"] = "not an address" });
        Assert.Contains("like name@example.com", (await invalid.ParseAsync()).QuerySelector(".field-error")!.TextContent);

        await admin.SubmitAsync(page, "[data-testid=blocked] form");
        Assert.Equal(0, await App.WithDbAsync(db => db.BlockedAddresses.CountAsync()));
        Assert.NotNull(await App.SignedInAsync("dana@example.com"));
    }

    [Fact]
    public async Task The_admin_invites_a_therapist_resends_and_revokes_and_a_blocked_address_is_refused()
    {
        var (_, therapist, admin) = await SetUpAsync();
        var page = await admin.GetPageAsync("/admin/invitations");

        var sent = await admin.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.FullName"] = "Lior Mizrahi", ["Input.Email"] = " Lior@Example.com ", ["Input.WorkspaceName"] = "Lior Physio", ["Input.TimeZone"] = "Asia/Jerusalem",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var invitation = await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().SingleAsync());
        Assert.Equal((InvitationKind.Therapist, "lior@example.com", "Lior Physio"), (invitation.Kind, invitation.Email, invitation.WorkspaceName));

        // An owner's pending invitation of an assistant shows here too.
        var owner = await App.SignedInAsync("dana@example.com");
        var team = await owner.GetPageAsync("/settings/team");
        await owner.SubmitAsync(team, "form[action*='handler=Invite']", new Dictionary<string, string> { ["Input.FullName"] = "Ruth Adler", ["Input.Email"] = "ruth@example.com" });
        page = await admin.GetPageAsync("/admin/invitations");
        Assert.Equal(2, page.QuerySelectorAll("[data-testid=invitation]").Length);

        var row = page.QuerySelectorAll("[data-testid=invitation]").Single(r => r.TextContent.Contains("lior@example.com"));
        var resend = row.QuerySelector("form[action*='handler=Resend']")!.GetAttribute("action")!;
        var token = page.QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        FormUrlEncodedContent Token() => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync(resend, Token())).StatusCode);
        Assert.Equal(2, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().Where(i => i.Id == invitation.Id).Select(i => i.LinkVersion).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync(resend.Replace("Resend", "Revoke"), Token())).StatusCode);
        Assert.Equal(InvitationStatus.Revoked, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().Where(i => i.Id == invitation.Id).Select(i => i.Status).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/admin/invitations?handler=Revoke&id={Guid.NewGuid()}", Token())).StatusCode);

        // A blocked address can be invited neither by the admin nor by an owner.
        var blocklist = await admin.GetPageAsync("/admin/blocklist");
        await admin.SubmitAsync(blocklist, "main form", new Dictionary<string, string> { ["Input.Email"] = "EVE@example.com" });
        page = await admin.GetPageAsync("/admin/invitations");
        var refused = await admin.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.FullName"] = "Eve", ["Input.Email"] = "eve@example.com", ["Input.WorkspaceName"] = "Eve Physio", ["Input.TimeZone"] = "Europe/London",
        });
        Assert.Contains("blocked", (await refused.ParseAsync()).QuerySelector(".field-error")!.TextContent);
        team = await owner.GetPageAsync("/settings/team");
        var byOwner = await owner.SubmitAsync(team, "form[action*='handler=Invite']", new Dictionary<string, string> { ["Input.FullName"] = "Eve", ["Input.Email"] = " eve@EXAMPLE.com" });
        Assert.Contains("blocked", await byOwner.Content.ReadAsStringAsync());
        Assert.Equal(0, await App.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().CountAsync(i => i.Email == "eve@example.com")));
    }

    private Task<WorkspaceStatus> StatusAsync(Guid id) =>
        App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().Where(w => w.Id == id).Select(w => w.Status).SingleAsync());
}
