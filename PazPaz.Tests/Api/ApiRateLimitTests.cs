using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

/// <summary>Requests per token per minute, on the app's clock: 429 with Retry-After beyond, RateLimit-* on every answer.</summary>
public sealed class ApiRateLimitTests(PazPazApp app) : AppTest(app)
{
    private const int Limit = 5;

    /// <summary>The same app (database, fake clock) with a small budget, so a test spends it in a few requests.</summary>
    private HttpClient Api(WebApplicationFactory<Program> factory, string token)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(PazPazApp.BaseUrl) });
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    private WebApplicationFactory<Program> Limited() =>
        App.WithWebHostBuilder(b => b.UseSetting("PazPaz:ApiRequestsPerTokenPerMinute", Limit.ToString()));

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "(none)";

    [Fact]
    public async Task Past_the_budget_a_token_gets_429_with_retry_after_until_the_minute_is_over()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await using var limited = Limited();
        var api = Api(limited, await App.ApiTokenAsync("dana@example.com"));

        for (var i = 1; i <= Limit; i++)
        {
            var ok = await api.GetAsync("/api/v1/clients");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal((Limit.ToString(), (Limit - i).ToString(), "60"),
                (Header(ok, "RateLimit-Limit"), Header(ok, "RateLimit-Remaining"), Header(ok, "RateLimit-Reset")));
        }
        App.Clock.Advance(TimeSpan.FromSeconds(15));
        var refused = await api.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen" });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("45", Header(refused, "Retry-After"));
        Assert.Equal((Limit.ToString(), "0", "45"), (Header(refused, "RateLimit-Limit"), Header(refused, "RateLimit-Remaining"), Header(refused, "RateLimit-Reset")));
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());

        App.Clock.Advance(TimeSpan.FromSeconds(45));
        var again = await api.GetAsync("/api/v1/clients");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((Limit - 1).ToString(), Header(again, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task Each_token_has_its_own_budget()
    {
        await App.PracticeAsync(email: "dana@example.com");
        await using var limited = Limited();
        var first = Api(limited, await App.ApiTokenAsync("dana@example.com"));
        var second = Api(limited, await App.ApiTokenAsync("dana@example.com"));

        for (var i = 0; i < Limit; i++) Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/workspace")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync("/api/v1/workspace")).StatusCode);
        var other = await second.GetAsync("/api/v1/workspace");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal((Limit - 1).ToString(), Header(other, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task The_browsers_own_api_calls_count_per_user_apart_from_the_users_tokens_and_the_default_is_600()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        await api.GetAsync("/api/v1/clients");
        var byToken = await api.GetAsync("/api/v1/clients");
        var bySession = await browser.GetAsync("/api/v1/clients");

        Assert.Equal(HttpStatusCode.OK, bySession.StatusCode);
        Assert.Equal(("600", "598"), (Header(byToken, "RateLimit-Limit"), Header(byToken, "RateLimit-Remaining")));
        Assert.Equal(("600", "599"), (Header(bySession, "RateLimit-Limit"), Header(bySession, "RateLimit-Remaining")));
    }

    [Fact]
    public async Task Anonymous_and_page_requests_carry_no_api_budget()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var anonymous = await App.Browser().GetAsync("/api/v1/clients");
        var page = await browser.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("(none)", Header(anonymous, "RateLimit-Limit"));
        Assert.Equal("(none)", Header(page, "RateLimit-Limit"));
    }
}
