using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

public sealed class SessionTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task A_session_ends_after_thirty_idle_minutes()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        App.Clock.Advance(TimeSpan.FromMinutes(31));
        var response = await browser.GetAsync("/calendar");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.PathAndQuery());
    }

    [Fact]
    public async Task Activity_keeps_the_session_alive()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        for (var i = 0; i < 4; i++)
        {
            App.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/calendar")).StatusCode);
        }
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_the_user()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var laptop = await App.SignedInAsync("dana@example.com");
        var phone = await App.SignedInAsync("dana@example.com");

        await App.WithDbAsync(async db =>
        {
            var user = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Id == practice.Owner.Id);
            user.SignOutEverywhere();
            await db.SaveChangesAsync();
        });

        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/calendar")).StatusCode);
    }

    [Fact]
    public async Task Too_many_link_requests_from_one_address_get_429()
    {
        await using var strict = App.WithWebHostBuilder(b => b.UseSetting("PazPaz:SignInRequestsPerIp", "2"));
        var browser = strict.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var page = await browser.GetPageAsync("/sign-in");
            var response = await browser.SubmitAsync(page, values: new Dictionary<string, string> { ["Input.Email"] = $"person{i}@example.com" });
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_lax()
    {
        await App.PracticeAsync(email: "dana@example.com");
        string? link;
        using (var scope = App.Services.CreateScope())
            link = await scope.ServiceProvider.GetRequiredService<PazPaz.Auth.SignInLinks>().CreateForOperatorAsync("dana@example.com");
        var response = await App.Browser().FollowLinkAsync(link!);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pazpaz.session="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
