using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

/// <summary>Sessions held on the server: sign-out, Settings → Sessions, idle and absolute expiry, last seen.</summary>
public sealed class ServerSessionTests(PazPazApp app) : AppTest(app)
{
    private const string WindowsChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string IPhoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    /// <summary>Signs in through a link with this browser's user agent and IP; returns the browser and its session cookie.</summary>
    private async Task<(HttpClient Browser, string Cookie)> SignInAsync(string email, string userAgent = WindowsChrome, string ip = "127.0.0.1")
    {
        string? link;
        using (var scope = App.Services.CreateScope())
            link = await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync(email);
        var browser = App.Browser();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        browser.DefaultRequestHeaders.Add(TestPeer.Header, ip);
        var response = await browser.FollowLinkAsync(link!);
        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pazpaz.session=")).Split(';')[0];
        return (browser, cookie);
    }

    /// <summary>A client with no cookie jar that presents a copied cookie, as an attacker holding it would.</summary>
    private HttpClient WithCopiedCookie(string cookie)
    {
        var client = App.Server.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [Fact]
    public async Task Signing_out_ends_the_session_wherever_its_cookie_is_presented()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (browser, cookie) = await SignInAsync("dana@example.com");
        Assert.Equal(HttpStatusCode.OK, (await WithCopiedCookie(cookie).GetAsync("/api/v1/clients")).StatusCode);

        var signedOut = await browser.SubmitAsync(await browser.GetPageAsync("/calendar"), "form[action='/sign-out']");
        Assert.Equal("/sign-in", signedOut.Headers.Location?.OriginalString);

        var copy = WithCopiedCookie(cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/clients")).StatusCode);
        var page = await copy.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/sign-in", page.Headers.Location!.PathAndQuery());

        var session = await App.WithDbAsync(db => db.UserSessions.IgnoreWall().SingleAsync());
        Assert.Equal(SessionEndReason.SignOut, session.EndReason);
        var audit = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().SingleAsync(a => a.ResourceId == session.Id));
        Assert.Equal(AuditAction.Logout, audit.Action);
        Assert.Equal("sign_out", System.Text.Json.JsonDocument.Parse(audit.Metadata!).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_sessions_page_lists_each_signed_in_browser_and_marks_this_device()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (laptop, _) = await SignInAsync("dana@example.com", WindowsChrome, "203.0.113.7");
        App.Clock.Advance(TimeSpan.FromMinutes(3));
        await SignInAsync("dana@example.com", IPhoneSafari, "198.51.100.20");

        var page = await laptop.GetPageAsync("/settings/sessions");
        var rows = page.QuerySelectorAll("[data-testid=session]").Select(r => r.TextContent).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Contains("Chrome on Windows", rows[0]);
        Assert.Contains("This device", rows[0]);
        Assert.Contains("203.0.113.7", rows[0]);
        Assert.Contains("Safari on iPhone", rows[1]);
        Assert.Contains("198.51.100.20", rows[1]);
        Assert.DoesNotContain("This device", rows[1]);
        Assert.Equal("page", page.QuerySelector("nav[aria-label=Settings] a[href='/settings/sessions']")!.GetAttribute("aria-current"));
    }

    [Fact]
    public async Task Ending_another_session_signs_that_browser_out_at_its_next_request()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (laptop, _) = await SignInAsync("dana@example.com", WindowsChrome);
        var (phone, _) = await SignInAsync("dana@example.com", IPhoneSafari);

        var page = await laptop.GetPageAsync("/settings/sessions");
        var phoneRow = page.QuerySelectorAll("[data-testid=session]").Single(r => r.TextContent.Contains("iPhone"));
        var phoneId = phoneRow.QuerySelector("form")!.GetAttribute("action")!.Split("id=")[1];
        laptop.DefaultRequestHeaders.Add("HX-Request", "true");
        var ended = await laptop.SubmitAsync(page, $"#session-list form[action*='{phoneId}']");
        laptop.DefaultRequestHeaders.Remove("HX-Request");

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var list = await ended.ParseAsync();
        Assert.Single(list.QuerySelectorAll("[data-testid=session]"));
        var after = await phone.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/sign-in", after.Headers.Location!.PathAndQuery());
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/calendar")).StatusCode);

        var reasons = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceType == nameof(UserSession)).Select(a => a.Metadata).ToListAsync());
        Assert.Contains(reasons, m => m!.Contains("\"ended_by_user\""));
    }

    [Fact]
    public async Task Ending_the_current_session_signs_out()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (laptop, _) = await SignInAsync("dana@example.com");
        var page = await laptop.GetPageAsync("/settings/sessions");

        var response = await laptop.SubmitAsync(page, "#session-list form");

        Assert.Equal("/sign-in", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/calendar")).StatusCode);
    }

    [Fact]
    public async Task Nobody_can_end_a_session_of_a_colleague_or_of_another_practice()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await App.AssistantAsync(practice.Workspace.Id, "ruth@example.com");
        await App.PracticeAsync("Other practice", "omer@example.com");
        var (dana, _) = await SignInAsync("dana@example.com");
        await SignInAsync("ruth@example.com");
        await SignInAsync("omer@example.com");
        var page = await dana.GetPageAsync("/settings/sessions");
        var others = await App.WithDbAsync(db => db.UserSessions.IgnoreWall().Where(s => s.UserId != practice.Owner.Id).Select(s => s.Id).ToListAsync());

        foreach (var id in others)
        {
            var form = page.QuerySelector("#session-list form")!;
            form.SetAttribute("action", $"/settings/sessions?handler=End&id={id}");
            Assert.Equal(HttpStatusCode.NotFound, (await dana.SubmitAsync(page, "#session-list form")).StatusCode);
        }
        Assert.Equal(3, await App.WithDbAsync(db => db.UserSessions.IgnoreWall().CountAsync(s => s.EndedAt == null)));
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_and_changes_the_stamp()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var (laptop, _) = await SignInAsync("dana@example.com", WindowsChrome);
        var (phone, phoneCookie) = await SignInAsync("dana@example.com", IPhoneSafari);
        var stampBefore = practice.Owner.SecurityStamp;

        var response = await laptop.SubmitAsync(await laptop.GetPageAsync("/settings/sessions"), "form[action*='handler=Everywhere']");

        Assert.Equal("/sign-in", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCopiedCookie(phoneCookie).GetAsync("/api/v1/clients")).StatusCode);
        var sessions = await App.WithDbAsync(db => db.UserSessions.IgnoreWall().ToListAsync());
        Assert.All(sessions, s => Assert.Equal(SessionEndReason.Everywhere, s.EndReason));
        Assert.NotEqual(stampBefore, await App.WithDbAsync(db => db.Users.IgnoreWall().Where(u => u.Id == practice.Owner.Id).Select(u => u.SecurityStamp).SingleAsync()));
        var ended = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceType == nameof(UserSession) && a.UserId == practice.Owner.Id).Select(a => a.Metadata!).ToListAsync());
        Assert.Equal(2, ended.Count(m => m.Contains("\"everywhere\"")));
        _ = phone;
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute_and_not_by_unattended_requests()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (browser, _) = await SignInAsync("dana@example.com");
        var signedIn = App.Clock.GetUtcNow();
        Task<DateTimeOffset> LastSeen() => App.WithDbAsync(db => db.UserSessions.IgnoreWall().Select(s => s.LastSeenAt).SingleAsync());

        App.Clock.Advance(TimeSpan.FromSeconds(30));
        await browser.GetAsync("/calendar");
        Assert.Equal(signedIn, await LastSeen());

        App.Clock.Advance(TimeSpan.FromSeconds(40));
        await browser.GetAsync("/calendar");
        var seen = App.Clock.GetUtcNow();
        Assert.Equal(seen, await LastSeen());

        // The page's own requests (a calendar redraw after a live update) keep the session working but idle.
        App.Clock.Advance(TimeSpan.FromMinutes(20));
        var unattended = new HttpRequestMessage(HttpMethod.Get, "/calendar");
        unattended.Headers.Add(LeavesSessionIdle.Header, "1");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(unattended)).StatusCode);
        Assert.Equal(seen, await LastSeen());
    }

    [Fact]
    public async Task A_session_idle_on_the_server_ends_even_while_its_cookie_is_fresh()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (browser, _) = await SignInAsync("dana@example.com");
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/clients")).StatusCode);

        // The only activity the server knows of is 31 minutes old (as if every request since had been unattended).
        await App.WithDbAsync(db => db.UserSessions.IgnoreWall()
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, App.Clock.GetUtcNow() - TimeSpan.FromMinutes(31))));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task A_session_never_lasts_more_than_seven_days_however_active()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (browser, _) = await SignInAsync("dana@example.com");

        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromDays(7) - TimeSpan.FromMinutes(25))
        {
            App.Clock.Advance(TimeSpan.FromMinutes(25));
            elapsed += TimeSpan.FromMinutes(25);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/clients")).StatusCode);
        }
        App.Clock.Advance(TimeSpan.FromDays(7) - elapsed);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task The_daily_job_forgets_sessions_a_month_after_they_expired()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await SignInAsync("dana@example.com");
        App.Clock.Advance(UserSession.AbsoluteLifetime + UserSession.ForgetAfter - TimeSpan.FromMinutes(1));
        await SignInAsync("dana@example.com");

        App.Clock.Advance(TimeSpan.FromMinutes(2));
        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<PazPaz.Notifications.NotificationJob>().PurgeAsync();

        var left = await App.WithDbAsync(db => db.UserSessions.IgnoreWall().ToListAsync());
        Assert.Equal(App.Clock.GetUtcNow() - TimeSpan.FromMinutes(2), Assert.Single(left).SignedInAt);
    }

    [Fact]
    public async Task Stay_signed_in_slides_the_session()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var (browser, _) = await SignInAsync("dana@example.com");
        var calendar = await browser.GetPageAsync("/calendar");

        App.Clock.Advance(TimeSpan.FromMinutes(28));
        var stay = await browser.SubmitAsync(calendar, "#idle-banner form");
        Assert.Equal(HttpStatusCode.NoContent, stay.StatusCode);
        App.Clock.Advance(TimeSpan.FromMinutes(28));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/calendar")).StatusCode);
    }

    [Fact]
    public async Task The_idle_setting_drives_both_the_server_and_the_banner()
    {
        await using var brief = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:SessionIdleMinutes", "10"));
        await App.PracticeAsync(email: "dana@example.com");
        string? link;
        using (var scope = brief.Services.CreateScope())
            link = await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync("dana@example.com");
        var browser = brief.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.FollowLinkAsync(link!);

        var banner = (await browser.GetPageAsync("/calendar")).QuerySelector("#idle-banner")!;
        Assert.Equal("600", banner.GetAttribute("data-idle-seconds"));
        Assert.Equal("120", banner.GetAttribute("data-warn-seconds"));
        Assert.Contains("You will be signed out in 2 minutes", banner.TextContent);
        Assert.Equal("Stay signed in", banner.QuerySelector("button")!.TextContent.Trim());

        App.Clock.Advance(TimeSpan.FromMinutes(11));
        var after = await browser.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }
}
