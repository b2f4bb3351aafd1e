using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

/// <summary>Text PostgreSQL cannot store, duplicate keys and made-up status codes are refused by name, never a 500.</summary>
public sealed class MalformedInputTests(PazPazApp app) : AppTest(app)
{
    private static string[] ErrorFields(JsonNode problem) => problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();

    [Theory]
    [InlineData("""{"first_name":"\ud800","last_name":"Cohen"}""", "first_name")]
    [InlineData("""{"first_name":"Noa","last_name":"Co\u0000hen"}""", "last_name")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","tags":["ok","\udfff"]}""", "tags[1]")]
    [InlineData("""{"first_name":"Noa","last_name":"Cohen","tags":["a\u0000"]}""", "tags[0]")]
    [InlineData("""{"first_name":"Noa","first_name":"Dana","last_name":"Cohen"}""", "first_name")]
    public async Task A_json_body_with_unstorable_text_or_a_repeated_key_is_a_422_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.PostAsync("/api/v1/clients", ApiClients.Raw(body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([field], ErrorFields(await response.JsonAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Theory]
    [InlineData("/api/v1/clients?q=%00")]
    [InlineData("/api/v1/appointments?q=a%00b")]
    [InlineData("/api/v1/services?x%00=1")]
    public async Task A_nul_in_an_api_query_string_is_a_422_naming_the_parameter(string url)
    {
        await App.PracticeAsync(email: "dana@example.com");
        var api = await App.ApiClientAsync("dana@example.com");

        var response = await api.GetAsync(url);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("NUL", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_nul_in_a_page_search_is_a_400_page_naming_the_field()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.GetAsync("/clients?q=no%00a");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Contains("“q” cannot contain NUL", page.Body!.TextContent);
    }

    [Fact]
    public async Task A_nul_in_a_signed_in_form_is_a_400_page_naming_the_field_and_nothing_is_stored()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync("/clients/new");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Input.FirstName"] = "No\0a", ["Input.LastName"] = "Cohen" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("“Input.FirstName” cannot contain NUL", (await response.ParseAsync()).Body!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_nul_in_the_anonymous_sign_in_form_is_a_400_page()
    {
        var browser = App.Browser();
        var form = await browser.GetPageAsync("/sign-in");

        var response = await browser.SubmitAsync(form, values: new Dictionary<string, string> { ["Email"] = "dana\0@example.com" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("cannot contain NUL", html);
        Assert.DoesNotContain("Exception", html);
    }

    [Theory]
    [InlineData("/error/101")]
    [InlineData("/error/42")]
    [InlineData("/error/200")]
    [InlineData("/error/600")]
    public async Task The_error_page_answers_only_real_error_codes(string url)
    {
        var response = await App.Browser().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/error/404", HttpStatusCode.NotFound)]
    [InlineData("/error/503", HttpStatusCode.ServiceUnavailable)]
    public async Task The_error_page_answers_the_error_codes_it_is_asked_for(string url, HttpStatusCode status) =>
        Assert.Equal(status, (await App.Browser().GetAsync(url)).StatusCode);
}
