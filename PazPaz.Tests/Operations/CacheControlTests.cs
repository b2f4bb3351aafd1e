using System.Net;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

/// <summary>No browser or proxy keeps an answer meant for a signed-in user or an API token.</summary>
public sealed class CacheControlTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task Every_authenticated_api_answer_says_no_store()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");
        string[] paths =
        [
            "/api/v1/clients", "/api/v1/appointments", "/api/v1/workspace", "/api/v1/services", "/api/v1/locations",
            "/api/v1/session-notes", "/api/v1/users/me/notification-settings", "/api/v1/calendar-feeds",
            "/api/v1/appointments/conflicts?scheduled_start=2026-03-10T09:00:00Z&scheduled_end=2026-03-10T10:00:00Z",
            "/api/v1/clients/" + Guid.NewGuid(),
        ];

        foreach (var path in paths)
        {
            var response = await api.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
        var created = await api.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore == true);
    }

    [Fact]
    public async Task Every_signed_in_page_and_fragment_says_no_store()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        string[] paths = ["/calendar", "/clients", "/clients/new", "/settings", "/appointments/conflicts?date=2026-03-10&start=10:00&end=11:00", "/clients?q=no"];

        foreach (var path in paths)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("HX-Request", "true");
            var response = await browser.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task Anonymous_static_files_stay_cacheable()
    {
        var response = await App.Browser().GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.CacheControl?.NoStore);
    }
}
