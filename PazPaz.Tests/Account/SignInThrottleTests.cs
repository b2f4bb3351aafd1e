using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

/// <summary>Nobody can keep a person from signing in, nobody can flood a mailbox, and the limits hold across instances.</summary>
public sealed class SignInThrottleTests(PazPazApp app) : AppTest(app)
{
    private static async Task<HttpResponseMessage> AskAsync(HttpClient browser, string email, string ip)
    {
        browser.DefaultRequestHeaders.Remove(TestPeer.Header);
        browser.DefaultRequestHeaders.Add(TestPeer.Header, ip);
        var page = await browser.GetPageAsync("/sign-in");
        return await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.Email"] = email });
    }

    [Fact]
    public async Task A_stranger_asking_again_and_again_does_not_keep_the_person_from_signing_in()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var stranger = App.Browser();
        for (var i = 0; i < 20; i++) await AskAsync(stranger, "dana@example.com", "203.0.113.66");

        var own = await AskAsync(App.Browser(), "dana@example.com", "198.51.100.5");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var messages = await App.SettledMessagesAsync();
        Assert.Equal(SignInThrottle.LinksPerAddressFromOneIp + 1, messages.Count);
    }

    [Fact]
    public async Task Strangers_on_many_networks_cannot_flood_the_mailbox_nor_lock_out_a_network_the_person_signed_in_from()
    {
        await App.PracticeAsync(email: "dana@example.com");
        // Dana signed in from her home network last week.
        await App.WithDbAsync(async db =>
        {
            var dana = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Users.IgnoreWall());
            db.UserSessions.Add(PazPaz.Domain.UserSession.Start(dana, App.Clock.GetUtcNow() - TimeSpan.FromDays(7), "198.51.100.5", "Firefox"));
            await db.SaveChangesAsync();
        });

        for (var network = 1; network <= 30; network++)
            for (var i = 0; i < 3; i++)
                Assert.Equal(HttpStatusCode.OK, (await AskAsync(App.Browser(), "dana@example.com", $"203.0.113.{network}")).StatusCode);
        Assert.Equal(SignInThrottle.LinksPerAddressFromNewNetworks, (await App.SettledMessagesAsync()).Count);

        await AskAsync(App.Browser(), "dana@example.com", "198.51.100.5");
        Assert.Equal(SignInThrottle.LinksPerAddressFromNewNetworks + 1, (await App.SettledMessagesAsync()).Count);
    }

    [Fact]
    public async Task Too_many_requests_from_one_network_get_429_whatever_the_address()
    {
        await using var strict = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:SignInRequestsPerIp", "3"));
        var browser = strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await AskAsync(browser, $"person{i}@example.com", "203.0.113.9")).StatusCode);
        statuses.Add((await AskAsync(browser, "person9@example.com", "203.0.113.10")).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task Two_app_instances_share_one_budget()
    {
        await using var first = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:SignInRequestsPerIp", "2"));
        await using var second = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:SignInRequestsPerIp", "2"));
        var a = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var b = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await AskAsync(a, "one@example.com", "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(b, "two@example.com", "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskAsync(a, "three@example.com", "203.0.113.9")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskAsync(b, "four@example.com", "203.0.113.9")).StatusCode);
    }

    [Fact]
    public async Task Old_counters_are_purged_by_the_daily_job()
    {
        await AskAsync(App.Browser(), "one@example.com", "203.0.113.9");
        Assert.NotEqual(0, await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.SignInCounters)));

        App.Clock.Advance(SignInThrottle.KeepCountersFor + SignInThrottle.Window);
        using (var scope = App.Services.CreateScope())
            await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<PazPaz.Notifications.NotificationJob>(scope.ServiceProvider).PurgeAsync();

        Assert.Equal(0, await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.SignInCounters)));
    }
}
