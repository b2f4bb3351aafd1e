using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Security;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

/// <summary>An API token works until it expires or is revoked; deactivating its user revokes it for good.</summary>
public sealed class ApiTokenLifecycleTests(PazPazApp app) : AppTest(app)
{
    private async Task<(int Code, string Output, string Error)> AdminAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommands.RunAsync(App.Services, args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<ApiToken> TokenAsync(string secret) =>
        App.WithDbAsync(db => db.ApiTokens.IgnoreWall().SingleAsync(t => t.TokenHash == Tokens.Hash(secret)));

    [Fact]
    public async Task A_token_works_until_its_expiry_date_begins_in_the_practices_zone_then_answers_401()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com", timeZone: "Asia/Jerusalem");
        var today = practice.Workspace.Today(App.Clock.GetUtcNow());
        var secret = await App.WithDbAsync(async db =>
        {
            var (secret, token) = ApiTokenIssue.New(practice.Workspace, practice.Owner.Id, "Zapier", today.AddDays(1), App.Clock.GetUtcNow());
            db.ApiTokens.Add(token);
            await db.SaveChangesAsync();
            return secret;
        });
        var api = App.WithBearer(secret);
        var token = await TokenAsync(secret);
        var midnight = TimeZones.ToUtc(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeZones.Find("Asia/Jerusalem"));
        Assert.Equal(midnight, token.ExpiresAt);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/workspace")).StatusCode);
        App.Clock.Advance(midnight - App.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/workspace")).StatusCode);
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await api.GetAsync("/api/v1/workspace");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Bearer", expired.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData(0, "ExpiresOn")]
    [InlineData(-3, "ExpiresOn")]
    [InlineData(ApiToken.MaxLifetimeDays + 1, "ExpiresOn")]
    public void An_expiry_date_today_in_the_past_or_over_a_year_ahead_is_refused(int days, string field)
    {
        var today = new DateOnly(2026, 3, 10);
        Assert.Equal([field], ApiToken.Problems("Zapier", today.AddDays(days), today).Keys);
        Assert.Empty(ApiToken.Problems("Zapier", today.AddDays(ApiToken.MaxLifetimeDays), today));
        Assert.Empty(ApiToken.Problems("Zapier", null, today));
    }

    [Fact]
    public async Task Revoke_api_token_on_the_command_line_by_prefix_refuses_the_token_at_once()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var secret = await App.ApiTokenAsync("dana@example.com");
        var api = App.WithBearer(secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/clients")).StatusCode);

        var revoked = await AdminAsync("revoke-api-token", secret[..ApiTokenIssue.PrefixLength]);

        Assert.Equal(0, revoked.Code);
        Assert.Contains("Revoked", revoked.Output);
        Assert.DoesNotContain(secret, revoked.Output);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/clients")).StatusCode);
        Assert.NotNull((await TokenAsync(secret)).RevokedAt);
    }

    [Fact]
    public async Task Revoke_api_token_by_id_lists_and_explains_unknown_or_missing_tokens()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var secret = await App.ApiTokenAsync("dana@example.com");
        var token = await TokenAsync(secret);

        var listed = await AdminAsync("list-api-tokens");
        Assert.Equal(0, listed.Code);
        Assert.Contains(token.Prefix, listed.Output);
        Assert.Contains("active", listed.Output);
        Assert.DoesNotContain(secret, listed.Output);
        Assert.DoesNotContain(token.TokenHash, listed.Output);

        Assert.Equal(0, (await AdminAsync("revoke-api-token", token.Id.ToString())).Code);
        Assert.Contains("revoked", (await AdminAsync("list-api-tokens", "--email", "dana@example.com")).Output);
        Assert.Contains("already revoked", (await AdminAsync("revoke-api-token", token.Id.ToString())).Output);
        var unknown = await AdminAsync("revoke-api-token", "pzp_nope00");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("No API token", unknown.Error);
        Assert.Equal(2, (await AdminAsync("revoke-api-token")).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithBearer(secret).GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task Deactivating_a_user_revokes_their_tokens_and_reactivating_them_does_not_bring_the_tokens_back()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var ruth = await App.AssistantAsync(practice.Workspace.Id);
        var ruthsToken = await App.ApiTokenAsync("ruth@example.com");
        var danasToken = await App.ApiTokenAsync("dana@example.com");
        Assert.Equal(HttpStatusCode.OK, (await App.WithBearer(ruthsToken).GetAsync("/api/v1/clients")).StatusCode);

        await App.WithDbAsync(async db =>
        {
            var user = await db.Users.IgnoreWall().SingleAsync(u => u.Id == ruth.Id);
            user.Deactivate(await db.CalendarFeeds.IgnoreWall().LiveOf(user).ToListAsync(), await db.ApiTokens.IgnoreWall().UnrevokedOf(user).ToListAsync(),
                App.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithBearer(ruthsToken).GetAsync("/api/v1/clients")).StatusCode);

        await App.WithDbAsync(async db =>
        {
            (await db.Users.IgnoreWall().SingleAsync(u => u.Id == ruth.Id)).Activate();
            await db.SaveChangesAsync();
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithBearer(ruthsToken).GetAsync("/api/v1/clients")).StatusCode);
        Assert.NotNull((await TokenAsync(ruthsToken)).RevokedAt);
        // Only her tokens: the owner's keeps working.
        Assert.Equal(HttpStatusCode.OK, (await App.WithBearer(danasToken).GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public void Deactivate_refuses_to_revoke_someone_elses_token()
    {
        var workspace = Workspace.Create("Sea Breeze", "UTC", TestClock.Start);
        var dana = User.Create(workspace.Id, "dana@example.com", "Dana", UserRole.Owner, TestClock.Start);
        var ruth = User.Create(workspace.Id, "ruth@example.com", "Ruth", UserRole.Assistant, TestClock.Start);
        var (_, ruthsToken) = ApiTokenIssue.New(workspace, ruth.Id, "Script", null, TestClock.Start);

        Assert.Throws<ArgumentException>(() => dana.Deactivate([], [ruthsToken], TestClock.Start));
        Assert.True(dana.IsActive);
    }
}
