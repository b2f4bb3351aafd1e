using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PazPaz.Tests.Support;

/// <summary>Reading /metrics (Prometheus's text format) as a scraper does.</summary>
public static class Scrape
{
    public const string Token = "metrics-token-for-tests-0123456789abcdef";
    /// <summary>A range and a single address; every test request comes from 127.0.0.1 unless it names another peer.</summary>
    public const string AllowedNetworks = "10.1.0.0/16, 192.0.2.7";

    public static HttpClient Client(WebApplicationFactory<Program> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(PazPazApp.BaseUrl) });

    public static async Task<string> MetricsAsync(WebApplicationFactory<Program> app)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var response = await Client(app).SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the samples of <paramref name="name"/> carrying every one of <paramref name="labels"/> (key="value"); null when there is none.</summary>
    public static double? Sum(string text, string name, params string[] labels)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))) continue;
            if (!labels.All(l => line.Contains(l, StringComparison.Ordinal))) continue;
            var value = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
