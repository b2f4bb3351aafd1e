using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

public sealed class SignInTests(PazPazApp app) : AppTest(app)
{
    private async Task<HttpResponseMessage> AskForLinkAsync(HttpClient browser, string email)
    {
        var page = await browser.GetPageAsync("/sign-in");
        return await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.Email"] = email });
    }

    [Fact]
    public async Task A_known_address_gets_a_link_that_signs_in_once()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = App.Browser();

        var answer = await AskForLinkAsync(browser, "  Dana@Example.com ");
        Assert.Contains("If an account exists", await answer.Content.ReadAsStringAsync());

        var mail = Assert.Single((await App.SettledMessagesAsync()));
        Assert.Equal("dana@example.com", mail.To.Mailboxes.Single().Address);
        var link = Mailbox.SignInLinkIn(mail);

        // Opening the link only shows a button; nothing is consumed until it is pressed.
        var confirm = await browser.GetPageAsync(new Uri(link).PathAndQuery);
        Assert.Equal("Sign in", confirm.QuerySelector("main form button")!.TextContent.Trim());
        Assert.Equal(0, await App.WithDbAsync(db => db.SignInLinks.CountAsync(l => l.UsedAt != null)));

        var signedIn = await browser.SubmitAsync(confirm);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/calendar", signedIn.Headers.Location?.OriginalString);
        var calendar = await browser.GetPageAsync("/calendar");
        Assert.Equal("Sea Breeze Massage", calendar.QuerySelector("[data-testid=workspace-name]")!.TextContent.Trim());

        var again = await App.Browser().FollowLinkAsync(link);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This link no longer works", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_email()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var known = await (await AskForLinkAsync(App.Browser(), "dana@example.com")).Content.ReadAsStringAsync();
        var unknown = await (await AskForLinkAsync(App.Browser(), "nobody@example.com")).Content.ReadAsStringAsync();

        Assert.Single((await App.SettledMessagesAsync()));
        Assert.Equal(Between(known, "<main", "</main>").Replace("dana@example.com", "X"), Between(unknown, "<main", "</main>").Replace("nobody@example.com", "X"));
    }

    [Fact]
    public async Task An_invalid_address_is_refused_with_a_field_message()
    {
        var response = await AskForLinkAsync(App.Browser(), "not-an-address");
        var page = await response.ParseAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter the e-mail address", page.QuerySelector("#email-error")!.TextContent);
        Assert.Empty((await App.SettledMessagesAsync()));
    }

    [Fact]
    public async Task A_link_expires_after_ten_minutes()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await AskForLinkAsync(App.Browser(), "dana@example.com");
        var link = Mailbox.SignInLinkIn(Assert.Single((await App.SettledMessagesAsync())));

        App.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var response = await App.Browser().FollowLinkAsync(link);

        Assert.Contains("This link no longer works", await response.Content.ReadAsStringAsync());
        var failures = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.Action == AuditAction.LoginFailed && a.OccurredAt == App.Clock.GetUtcNow()).CountAsync());
        Assert.Equal(1, failures);
    }

    [Fact]
    public async Task A_link_stored_in_the_database_is_only_a_hash()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await AskForLinkAsync(App.Browser(), "dana@example.com");
        var token = Mailbox.SignInLinkIn(Assert.Single((await App.SettledMessagesAsync()))).Split("token=")[1];

        var stored = await App.WithDbAsync(db => db.SignInLinks.SingleAsync());
        Assert.True(token.Length >= 43, "a 256-bit token in base64url is 43 characters");
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(PazPaz.Security.Tokens.Hash(token), stored.TokenHash);
    }

    [Fact]
    public async Task Inactive_users_and_suspended_workspaces_cannot_sign_in()
    {
        var active = await App.PracticeAsync("Open practice", "open@example.com");
        var suspended = await App.PracticeAsync("Closed practice", "closed@example.com");
        var inactive = await App.PracticeAsync("Other practice", "gone@example.com");
        var sessionBeforeSuspension = await App.SignedInAsync("closed@example.com");
        await App.WithDbAsync(async db =>
        {
            (await db.Workspaces.IgnoreQueryFilters().SingleAsync(w => w.Id == suspended.Workspace.Id)).Suspend();
            var gone = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Id == inactive.Owner.Id);
            gone.Deactivate(await db.CalendarFeeds.IgnoreQueryFilters().LiveOf(gone).ToListAsync(), [], App.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });

        await AskForLinkAsync(App.Browser(), "closed@example.com");
        await AskForLinkAsync(App.Browser(), "gone@example.com");
        await AskForLinkAsync(App.Browser(), "open@example.com");

        Assert.Equal(["open@example.com"], (await App.SettledMessagesAsync()).Select(m => m.To.Mailboxes.Single().Address));
        // A session that existed before the suspension stops at once.
        var afterSuspension = await sessionBeforeSuspension.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, afterSuspension.StatusCode);
        Assert.StartsWith("/sign-in", afterSuspension.Headers.Location!.PathAndQuery());
        _ = active;
    }

    [Fact]
    public async Task Asking_too_often_for_one_address_from_one_network_stops_sending_silently()
    {
        await App.PracticeAsync(email: "dana@example.com");
        for (var i = 0; i < 8; i++)
        {
            var response = await AskForLinkAsync(App.Browser(), "dana@example.com");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(PazPaz.Auth.SignInThrottle.LinksPerAddressFromOneIp, (await App.SettledMessagesAsync()).Count);
    }

    [Fact]
    public async Task The_link_email_waits_in_the_outbox_without_a_usable_token()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await AskForLinkAsync(App.Browser(), "dana@example.com");
        var token = Mailbox.SignInLinkIn(Assert.Single(await App.SettledMessagesAsync())).Split("token=")[1];

        var delivery = await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(NotificationKinds.SignInLink, delivery.Kind);
        Assert.Equal(DeliveryStatus.Sent, delivery.Status);
        Assert.DoesNotContain(token, delivery.OccasionKey);
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM notification_deliveries d WHERE d::text LIKE '%' || @t || '%'";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "t";
        parameter.Value = token;
        command.Parameters.Add(parameter);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_is_audited()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var calendar = await browser.GetPageAsync("/calendar");

        var signedOut = await browser.SubmitAsync(calendar, "form[action='/sign-out']");
        Assert.Equal("/sign-in", signedOut.Headers.Location?.OriginalString);
        var after = await browser.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);

        var actions = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.UserId == practice.Owner.Id).Select(a => a.Action).ToListAsync());
        Assert.Contains(AuditAction.Login, actions);
        Assert.Contains(AuditAction.Logout, actions);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var response = await App.Browser().PostAsync("/sign-in", new FormUrlEncodedContent([new("Input.Email", "dana@example.com")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pages_need_a_session()
    {
        var response = await App.Browser().GetAsync("/clients");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.PathAndQuery());
    }

    private static string Between(string text, string from, string to)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        return text[start..text.IndexOf(to, start, StringComparison.Ordinal)];
    }
}

internal static class UriExtensions
{
    public static string PathAndQuery(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
