using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

/// <summary>Behind the reverse proxy: forwarded headers from known proxies only, HSTS and Secure cookies in Production.</summary>
public sealed class ProxyTests(PazPazApp app) : AppTest(app)
{
    private const string Proxy = "10.0.0.2";

    private static async Task<HttpResponseMessage> AskAsync(HttpClient browser, string email, string peer, string forwardedFor)
    {
        var page = await Send(browser, HttpMethod.Get, "/sign-in", peer, forwardedFor, null);
        var document = await page.ParseAsync();
        var token = document.QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        return await Send(browser, HttpMethod.Post, "/sign-in", peer, forwardedFor,
            new FormUrlEncodedContent([new("Input.Email", email), new("__RequestVerificationToken", token)]));
    }

    private static Task<HttpResponseMessage> Send(HttpClient browser, HttpMethod method, string url, string peer, string? forwardedFor, HttpContent? content,
        string? forwardedProto = null, string? host = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add(TestPeer.Header, peer);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        if (host is not null) request.Headers.Host = host;
        return browser.SendAsync(request);
    }

    private WebApplicationFactory<Program> With(params (string Key, string Value)[] settings) =>
        App.WithWebHostBuilder(b => { foreach (var (key, value) in settings) b.UseSetting(key, value); });

    [Fact]
    public async Task Behind_a_known_proxy_each_client_has_its_own_sign_in_budget()
    {
        await using var behindProxy = With(("PazPaz:SignInRequestsPerIp", "2"), ("PazPaz:KnownProxies:0", "10.0.0.0/24"));
        var browser = behindProxy.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var statuses = new List<HttpStatusCode>();
        for (var client = 1; client <= 4; client++)
            for (var i = 0; i < 2; i++)
                statuses.Add((await AskAsync(browser, $"person{client}-{i}@example.com", Proxy, $"198.51.100.{client}")).StatusCode);
        statuses.Add((await AskAsync(browser, "again@example.com", Proxy, "198.51.100.1")).StatusCode);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 8), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_else_are_ignored()
    {
        // No proxy configured: a client cannot pick the address it is counted under by sending X-Forwarded-For.
        await using var direct = With(("PazPaz:SignInRequestsPerIp", "2"));
        var browser = direct.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 3; i++) statuses.Add((await AskAsync(browser, $"person{i}@example.com", "203.0.113.50", $"198.51.100.{i}")).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Production_sends_HSTS_and_secure_cookies_over_https_forwarded_by_the_proxy()
    {
        await using var production = App.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("PazPaz:KnownProxies:0", Proxy);
            b.UseSetting("PazPaz:PublicBaseUrl", "https://pazpaz.example.com");
            b.UseSetting("Encryption:Keys:1", Convert.ToBase64String(new byte[32]));
        });
        var browser = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await Send(browser, HttpMethod.Get, "/sign-in", Proxy, "198.51.100.1", null, forwardedProto: "https", host: "pazpaz.example.com");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
        var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery."));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // A page that sets TempData (the flash after sign-out) writes its cookie Secure too.
        var form = await response.ParseAsync();
        var token = form.QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var cookies = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var signOut = new HttpRequestMessage(HttpMethod.Post, "/sign-out") { Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]) };
        signOut.Headers.Add(TestPeer.Header, Proxy);
        signOut.Headers.Add("X-Forwarded-Proto", "https");
        signOut.Headers.Add("Cookie", cookies);
        signOut.Headers.Host = "pazpaz.example.com";
        var signedOut = await browser.SendAsync(signOut);
        var tempData = signedOut.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider"));
        Assert.Contains("secure", tempData, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Production_without_a_known_proxy_does_not_believe_a_forwarded_https()
    {
        await using var production = App.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("PazPaz:PublicBaseUrl", "https://pazpaz.example.com");
            b.UseSetting("Encryption:Keys:1", Convert.ToBase64String(new byte[32]));
        });
        var browser = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await Send(browser, HttpMethod.Get, "/sign-in", "203.0.113.50", null, null, forwardedProto: "https", host: "pazpaz.example.com");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        // Still a working page (docker compose on http://localhost), with its antiforgery cookie marked Secure all the same.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("secure", response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.")), StringComparison.OrdinalIgnoreCase);
    }
}
