using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;

namespace PazPaz.Tests.Support;

/// <summary>Two-step sign-in as a person does it: set up in Settings → Security, then link + code.</summary>
public static class TwoStep
{
    public sealed record Enrolment(string Secret, List<string> BackupCodes);

    /// <summary>
    /// Sets up two-step sign-in for the signed-in <paramref name="browser"/>, reading the key from the page and typing the
    /// code an app would show on the app's clock. Then moves the clock one step on, as the code just used cannot be reused.
    /// </summary>
    public static async Task<Enrolment> EnrolAsync(this PazPazApp app, HttpClient browser)
    {
        var page = await browser.GetPageAsync("/settings/security");
        var started = await browser.SubmitAsync(page, "form[action*='handler=Start']");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var enrol = await browser.GetPageAsync("/settings/security");
        var secret = enrol.QuerySelector("[data-testid=totp-secret]")!.TextContent.Replace(" ", "").Trim();
        var confirmed = await browser.SubmitAsync(enrol, "form[action*='handler=Confirm']",
            new Dictionary<string, string> { ["Code"] = Totp.CodeAt(secret, app.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var done = await confirmed.ParseAsync();
        var codes = done.QuerySelectorAll("[data-testid=backup-codes] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(8, codes.Count);
        app.Clock.Advance(Totp.StepLength);
        return new Enrolment(secret, codes);
    }

    public static async Task<string> LinkForAsync(this PazPazApp app, string email)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync(email)
            ?? throw new InvalidOperationException($"No active user {email}.");
    }

    /// <summary>A new browser that pressed the link's "Sign in" button: it now waits on the code page.</summary>
    public static async Task<HttpClient> AtCodePageAsync(this PazPazApp app, string email)
    {
        var browser = app.Browser();
        var confirmed = await browser.FollowLinkAsync(await app.LinkForAsync(email));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/sign-in/code", confirmed.Headers.Location?.OriginalString);
        return browser;
    }

    /// <summary>Posts <paramref name="code"/> to the code page with a valid antiforgery token, as its form would.</summary>
    public static async Task<HttpResponseMessage> PostCodeAsync(this HttpClient browser, string code)
    {
        var signIn = await browser.GetPageAsync("/sign-in");
        var token = signIn.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        return await browser.PostAsync("/sign-in/code", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Code"] = code,
        }));
    }

    public static string CodeNow(this PazPazApp app, string secret) => Totp.CodeAt(secret, app.Clock.GetUtcNow());
}
