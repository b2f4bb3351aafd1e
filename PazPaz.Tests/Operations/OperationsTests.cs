using System.Net;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

public sealed class OperationsTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Health_and_readiness_answer()
    {
        var browser = App.Browser();
        Assert.Equal("ok", await browser.GetStringAsync("/healthz"));
        Assert.Equal("ready", await browser.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task Every_page_carries_a_strict_content_security_policy()
    {
        var response = await App.Browser().GetAsync("/sign-in");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*src=)", html);
        Assert.Contains("\"selfRequestsOnly\":true", html);
        Assert.Contains("/lib/htmx/htmx.min.js", html);
    }

    [Fact]
    public async Task An_unknown_address_shows_a_plain_404_page()
    {
        var response = await App.Browser().GetAsync("/no/such/page");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", body);
        Assert.DoesNotContain("Exception", body);
    }
}
