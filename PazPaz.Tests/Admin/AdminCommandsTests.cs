using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Admin;

public sealed class AdminCommandsTests(PazPazApp app) : AppTest(app)
{
    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(App.Services, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_workspace_then_print_a_link_that_signs_the_owner_in()
    {
        var created = await RunAsync("create-workspace", "--name", "Harbour Physio", "--owner-email", "Ruth@Example.com",
            "--owner-name", "Ruth Adler", "--timezone", "Europe/London");
        Assert.Equal(0, created.Code);
        Assert.Contains("Harbour Physio", created.Output);

        var link = await RunAsync("sign-in-link", "--email", "ruth@example.com");
        Assert.Equal(0, link.Code);
        var browser = App.Browser();
        var response = await browser.FollowLinkAsync(link.Output.Trim());
        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);

        var workspace = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().SingleAsync());
        Assert.Equal("Europe/London", workspace.TimeZone);
        var owner = await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("ruth@example.com", UserRole.Owner), (owner.Email, owner.Role));
    }

    [Fact]
    public async Task A_bad_time_zone_is_refused_with_a_clear_message()
    {
        var result = await RunAsync("create-workspace", "--name", "X", "--owner-email", "x@example.com", "--owner-name", "X", "--timezone", "Mars/Olympus");
        Assert.Equal(1, result.Code);
        Assert.Contains("'Mars/Olympus' is not an IANA time zone", result.Error);
        Assert.Equal(0, await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_missing_option_or_unknown_command_is_a_usage_error()
    {
        var missing = await RunAsync("create-workspace", "--name", "X");
        var unknown = await RunAsync("launch-rockets");
        Assert.Equal((2, true), (missing.Code, missing.Error.Contains("--owner-email is required")));
        Assert.Equal((2, true), (unknown.Code, unknown.Error.Contains("Unknown command 'launch-rockets'")));
    }

    [Fact]
    public async Task Unknown_users_are_reported_not_invented()
    {
        var link = await RunAsync("sign-in-link", "--email", "nobody@example.com");
        var token = await RunAsync("create-api-token", "--email", "nobody@example.com", "--name", "x");
        Assert.Equal(1, link.Code);
        Assert.Equal(1, token.Code);
        Assert.Contains("No active user", link.Error);
    }

    [Fact]
    public async Task Make_platform_admin_marks_the_user()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var result = await RunAsync("make-platform-admin", "--email", "DANA@example.com");
        Assert.Equal(0, result.Code);
        Assert.True(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == practice.Owner.Id).Select(u => u.IsPlatformAdmin).SingleAsync()));
    }

    [Fact]
    public async Task Disable_two_factor_lets_someone_who_lost_their_phone_sign_in_with_the_link_again_and_ends_their_sessions()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        await App.EnrolAsync(browser);
        Assert.Equal("/sign-in/code", (await App.Browser().FollowLinkAsync(await App.LinkForAsync("dana@example.com"))).Headers.Location?.OriginalString);

        var result = await RunAsync("disable-two-factor", "--email", "dana@example.com");

        Assert.Equal(0, result.Code);
        Assert.Contains("Two-step sign-in is off for dana@example.com", result.Output);
        Assert.Equal(0, await App.WithDbAsync(db => db.TotpBackupCodes.IgnoreQueryFilters().CountAsync()));
        Assert.Equal("/sign-in", new Uri(new Uri(PazPazApp.BaseUrl), (await browser.GetAsync("/calendar")).Headers.Location!).AbsolutePath);
        Assert.Equal("/calendar", (await App.Browser().FollowLinkAsync(await App.LinkForAsync("dana@example.com"))).Headers.Location?.OriginalString);
        Assert.Contains("does not use two-step sign-in", (await RunAsync("disable-two-factor", "--email", "dana@example.com")).Output);
    }
}
