using System.Net;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class ApiTokensPageTests(PazPazApp app) : AppTest(app)
{
    private const string Url = "/settings/api-tokens";
    private const string CreateForm = "form[action*='handler=Create']";

    private static HttpClient Htmx(HttpClient browser)
    {
        browser.DefaultRequestHeaders.Remove("HX-Request");
        browser.DefaultRequestHeaders.Add("HX-Request", "true");
        return browser;
    }

    private static async Task<(HttpResponseMessage Response, IDocument Page)> CreateAsync(HttpClient browser, string name, string expiresOn = "")
    {
        var form = await browser.GetPageAsync(Url);
        var response = await browser.SubmitAsync(form, CreateForm, new Dictionary<string, string> { ["Input.Name"] = name, ["Input.ExpiresOn"] = expiresOn });
        return (response, await response.ParseAsync());
    }

    [Fact]
    public async Task A_new_token_is_shown_once_works_on_the_api_and_is_listed_by_its_prefix()
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");

        var (response, page) = await CreateAsync(browser, "Zapier");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var secret = page.QuerySelector("#api-token-value")!.GetAttribute("value")!;
        Assert.StartsWith("pzp_", secret);
        Assert.Contains("you will not see it again", page.QuerySelector("#fresh-token")!.TextContent);
        Assert.NotNull(page.QuerySelector("[data-copy='api-token-value']"));
        Assert.Equal(HttpStatusCode.OK, (await App.WithBearer(secret).GetAsync("/api/v1/clients")).StatusCode);

        var again = await browser.GetPageAsync(Url);
        Assert.Null(again.QuerySelector("#fresh-token"));
        Assert.DoesNotContain(secret, again.Source.Text);
        var row = again.QuerySelector("[data-token-id]")!;
        Assert.Contains("Zapier", row.TextContent);
        Assert.Contains(secret[..ApiTokenIssue.PrefixLength] + "…", row.TextContent);
        Assert.Contains("Expires never", System.Text.RegularExpressions.Regex.Replace(row.TextContent, @"\s+", " "));
        Assert.DoesNotContain("Last used never", System.Text.RegularExpressions.Regex.Replace(row.TextContent, @"\s+", " "));
    }

    [Fact]
    public async Task Creating_and_revoking_are_audited_without_the_token_or_its_hash()
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var (_, page) = await CreateAsync(browser, "Zapier");
        var secret = page.QuerySelector("#api-token-value")!.GetAttribute("value")!;
        var token = await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().SingleAsync());
        var list = await browser.GetPageAsync(Url);
        await Htmx(browser).SubmitAsync(list, $"form[action*='{token.Id}']");

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.ResourceType == nameof(ApiToken) && e.ResourceId == token.Id)
            .OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditAction.Create, AuditAction.Update], events.Select(e => e.Action));
        Assert.Contains("revoked_at", events[1].Changes);
        foreach (var e in events)
        {
            Assert.DoesNotContain(secret, e.Changes ?? "");
            Assert.DoesNotContain(token.TokenHash, e.Changes ?? "");
        }
    }

    [Fact]
    public async Task Revoking_on_the_page_refuses_the_token_at_once_and_removes_it_from_the_list()
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var (_, created) = await CreateAsync(browser, "Zapier");
        var secret = created.QuerySelector("#api-token-value")!.GetAttribute("value")!;
        var id = (await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().SingleAsync())).Id;

        var list = await browser.GetPageAsync(Url);
        var revoke = list.QuerySelector($"form[action*='{id}']")!;
        Assert.Contains("Yes, revoke", revoke.TextContent);
        Assert.Equal("#api-tokens", revoke.GetAttribute("hx-target"));
        var response = await Htmx(browser).SubmitAsync(list, $"form[action*='{id}']");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Contains("revoked", page.QuerySelector("#api-tokens [role=status]")!.TextContent);
        Assert.Null(page.QuerySelector("[data-token-id]"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.WithBearer(secret).GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task Another_practices_or_another_users_token_cannot_be_revoked_404()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        await App.PracticeAsync(name: "Elsewhere", email: "eve@example.com");
        var colleagues = await App.ApiTokenAsync("ruth@example.com");
        var strangers = await App.ApiTokenAsync("eve@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var form = await browser.GetPageAsync(Url);
        var antiforgery = form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>($"{CreateForm} input[name=__RequestVerificationToken]")!.Value;

        foreach (var secret in new[] { colleagues, strangers })
        {
            var id = await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().Where(t => t.TokenHash == PazPaz.Security.Tokens.Hash(secret)).Select(t => t.Id).SingleAsync());
            var response = await browser.PostAsync($"{Url}?handler=Revoke&id={id}",
                new FormUrlEncodedContent([new("__RequestVerificationToken", antiforgery)]));

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await App.WithBearer(secret).GetAsync("/api/v1/workspace")).StatusCode);
        }
    }

    [Theory]
    [InlineData("", "", "Input.Name")]
    [InlineData("   ", "", "Input.Name")]
    [InlineData("LONG", "", "Input.Name")]
    [InlineData("Zapier", "TODAY", "Input.ExpiresOn")]
    [InlineData("Zapier", "YEAR+1", "Input.ExpiresOn")]
    [InlineData("Zapier", "not a date", "Input.ExpiresOn")]
    [InlineData("Zapier", "99999-01-01", "Input.ExpiresOn")]
    public async Task Junk_on_the_create_form_is_a_422_naming_the_field_and_nothing_is_created(string name, string expiresOn, string field)
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var today = practice.Workspace.Today(App.Clock.GetUtcNow());
        name = name == "LONG" ? new string('x', 10_000) : name;
        expiresOn = expiresOn switch
        {
            "TODAY" => today.ToString("yyyy-MM-dd"),
            "YEAR+1" => today.AddDays(ApiToken.MaxLifetimeDays + 1).ToString("yyyy-MM-dd"),
            _ => expiresOn,
        };
        var browser = Htmx(await App.SignedInAsync("dana@example.com"));

        var (response, page) = await CreateAsync(browser, name, expiresOn);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var control = page.QuerySelector($"[name='{field}']")!;
        Assert.Equal("true", control.GetAttribute("aria-invalid"));
        Assert.Null(page.QuerySelector("#fresh-token"));
        Assert.Equal(0, await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().CountAsync()));
    }

    [Fact]
    public async Task A_nul_in_the_name_is_refused_naming_the_field_not_a_500()
    {
        await App.PracticeAsync();
        var browser = Htmx(await App.SignedInAsync("dana@example.com"));

        var (response, page) = await CreateAsync(browser, "Zap\0ier");

        // The app-wide rule for text PostgreSQL cannot store (StorableText): 400 naming the field, before any handler.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Input.Name", page.Body!.TextContent);
        Assert.Equal(0, await App.WithDbAsync(db => db.ApiTokens.IgnoreWall().CountAsync()));
    }

    [Fact]
    public async Task A_token_with_an_expiry_shows_the_chosen_date_and_is_marked_once_expired()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var tomorrow = practice.Workspace.Today(App.Clock.GetUtcNow()).AddDays(1);
        var browser = await App.SignedInAsync("dana@example.com");

        var (response, _) = await CreateAsync(browser, "Short-lived", tomorrow.ToString("yyyy-MM-dd"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = (await browser.GetPageAsync(Url)).QuerySelector("[data-token-id]")!;
        Assert.Contains($"Expires {tomorrow:d MMM yyyy}", System.Text.RegularExpressions.Regex.Replace(row.TextContent, @"\s+", " "));
        Assert.DoesNotContain("Expired", row.TextContent);

        App.Clock.Advance(TimeSpan.FromDays(2));
        browser = await App.SignedInAsync("dana@example.com");
        row = (await browser.GetPageAsync(Url)).QuerySelector("[data-token-id]")!;
        Assert.Contains($"Expired {tomorrow:d MMM yyyy}", System.Text.RegularExpressions.Regex.Replace(row.TextContent, @"\s+", " "));
    }

    [Fact]
    public async Task The_settings_tabs_link_to_api_tokens()
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync(Url);

        Assert.Equal("page", page.QuerySelector("nav[aria-label=Settings] a[href='/settings/api-tokens']")!.GetAttribute("aria-current"));
        Assert.Contains("no-store", (await browser.GetAsync(Url)).Headers.CacheControl?.ToString());
    }
}
