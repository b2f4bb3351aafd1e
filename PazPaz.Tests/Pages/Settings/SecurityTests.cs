using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Account;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

/// <summary>Settings → Security: setting up, turning off and renewing two-step sign-in, and the practice's requirement.</summary>
public sealed class SecurityTests(PazPazApp app) : AppTest(app)
{
    private const string Email = "dana@example.com";

    private static async Task<string> TextAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    private async Task<List<string>> TwoFactorEventsAsync(Guid userId) =>
        (await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.UserId == userId && a.ResourceType == "TwoFactor")
            .OrderBy(a => a.OccurredAt).ToListAsync())).Select(a => $"{a.Action} {a.Metadata}").ToList();

    [Fact]
    public async Task Setting_up_shows_a_QR_code_the_link_and_the_key_then_eight_backup_codes_once()
    {
        var practice = await App.PracticeAsync(email: Email);
        var browser = await App.SignedInAsync(Email);
        var off = await browser.GetPageAsync("/settings/security");
        Assert.Equal("Off", off.QuerySelector("[data-testid=two-factor-status]")!.TextContent.Trim());
        Assert.Equal("page", off.QuerySelector("nav[aria-label=Settings] a[href='/settings/security']")!.GetAttribute("aria-current"));

        await browser.SubmitAsync(off, "form[action*='handler=Start']");
        var enrol = await browser.GetPageAsync("/settings/security");
        var secret = enrol.QuerySelector("[data-testid=totp-secret]")!.TextContent.Replace(" ", "").Trim();
        Assert.Equal(32, secret.Length);
        Assert.NotNull(enrol.QuerySelector("svg[data-testid=totp-qr][role=img] path"));
        Assert.Equal($"otpauth://totp/PazPaz:dana%40example.com?secret={secret}&issuer=PazPaz&algorithm=SHA1&digits=6&period=30",
            enrol.QuerySelector("#otpauth-uri")!.GetAttribute("value"));

        // The secret is encrypted at rest, with the versioned key.
        await using (var connection = await App.OpenConnectionAsync())
        {
            await using var read = new NpgsqlCommand($"SELECT totp_secret FROM users WHERE id = '{practice.Owner.Id}'", (NpgsqlConnection)connection);
            var stored = (string)(await read.ExecuteScalarAsync())!;
            Assert.StartsWith("v1:", stored);
            Assert.DoesNotContain(secret, stored);
        }

        var confirmed = await browser.SubmitAsync(enrol, "form[action*='handler=Confirm']", new Dictionary<string, string> { ["Code"] = App.CodeNow(secret) });
        var codesPage = await confirmed.ParseAsync();
        var codes = codesPage.QuerySelectorAll("[data-testid=backup-codes] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(8, codes.Distinct().Count());
        var download = codesPage.QuerySelector("a[download]")!;
        Assert.Equal("pazpaz-backup-codes.txt", download.GetAttribute("download"));
        var file = Uri.UnescapeDataString(download.GetAttribute("href")!["data:text/plain;charset=utf-8,".Length..]);
        Assert.All(codes, c => Assert.Contains(c, file));
        Assert.True(confirmed.Headers.CacheControl?.NoStore, "the backup codes must not be cached");

        // Stored hashed: no code appears in the table.
        var rows = await App.WithDbAsync(db => db.TotpBackupCodes.IgnoreQueryFilters().Where(c => c.UserId == practice.Owner.Id).ToListAsync());
        Assert.Equal(8, rows.Count);
        Assert.DoesNotContain(rows, r => codes.Any(c => r.Hash.Contains(c.Replace("-", "")) || r.Salt.Contains(c.Replace("-", ""))));

        // Shown once: the page afterwards tells how many are left, not what they are.
        var on = await browser.GetPageAsync("/settings/security");
        Assert.Equal("On", on.QuerySelector("[data-testid=two-factor-status]")!.TextContent.Trim());
        Assert.Null(on.QuerySelector("[data-testid=backup-codes]"));
        Assert.Equal("8 of 8", on.QuerySelector("[data-testid=backup-codes-left]")!.TextContent.Trim());
        Assert.DoesNotContain(codes[0], on.Source.Text);
        Assert.Null(on.QuerySelector("[data-testid=totp-secret]"));
        Assert.Contains(await TwoFactorEventsAsync(practice.Owner.Id), e => e.StartsWith("Create") && e.Contains("two_factor_enrolled"));
    }

    [Theory]
    [InlineData("000000")]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("LONG")]
    public async Task A_wrong_or_junk_code_keeps_two_step_sign_in_off_with_a_message(string typed)
    {
        await App.PracticeAsync(email: Email);
        var browser = await App.SignedInAsync(Email);
        await browser.SubmitAsync(await browser.GetPageAsync("/settings/security"), "form[action*='handler=Start']");
        var enrol = await browser.GetPageAsync("/settings/security");
        var secret = enrol.QuerySelector("[data-testid=totp-secret]")!.TextContent.Replace(" ", "");
        if (typed == App.CodeNow(secret)) return; // one in a million
        if (typed == "LONG") typed = new string('x', 100_000);

        var answer = await browser.SubmitAsync(enrol, "form[action*='handler=Confirm']", new Dictionary<string, string> { ["Code"] = typed });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await answer.ParseAsync();
        Assert.NotNull(page.QuerySelector("#confirm-code-error"));
        Assert.Equal("true", page.QuerySelector("#confirm-code")!.GetAttribute("aria-invalid"));
        Assert.False(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().Select(u => u.TotpEnabled).SingleAsync()));
    }

    [Fact]
    public async Task Turning_off_needs_a_current_code_or_a_backup_code()
    {
        var practice = await App.PracticeAsync(email: Email);
        var browser = await App.SignedInAsync(Email);
        var enrolment = await App.EnrolAsync(browser);

        foreach (var (typed, message) in new[]
        {
            ("", "Enter the 6-digit code"),
            (Totp.CodeAt(enrolment.Secret, App.Clock.GetUtcNow() - Totp.StepLength), "That code was used already"), // the set-up's own code
            ("zzzzz-zzzzz", "That code is not right"),
        })
        {
            var page = await browser.GetPageAsync("/settings/security");
            var answer = await browser.SubmitAsync(page, "form[action*='handler=Disable']", new Dictionary<string, string> { ["Code"] = typed });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains(message, (await answer.ParseAsync()).QuerySelector("#disable-code-error")!.TextContent);
            Assert.True(await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().Select(u => u.TotpEnabled).SingleAsync()));
        }

        var settings = await browser.GetPageAsync("/settings/security");
        var off = await browser.SubmitAsync(settings, "form[action*='handler=Disable']", new Dictionary<string, string> { ["Code"] = enrolment.BackupCodes[0] });
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        var user = await App.WithDbAsync(db => db.Users.IgnoreQueryFilters().SingleAsync());
        Assert.False(user.TotpEnabled);
        Assert.Null(user.TotpSecret);
        Assert.Equal(0, await App.WithDbAsync(db => db.TotpBackupCodes.IgnoreQueryFilters().CountAsync()));
        Assert.Contains(await TwoFactorEventsAsync(practice.Owner.Id), e => e.StartsWith("Delete") && e.Contains("two_factor_disabled"));

        // The link alone signs in again.
        await App.SignedInAsync(Email);
    }

    [Fact]
    public async Task New_backup_codes_need_a_code_and_replace_the_old_ones()
    {
        await App.PracticeAsync(email: Email);
        var browser = await App.SignedInAsync(Email);
        var enrolment = await App.EnrolAsync(browser);

        var page = await browser.GetPageAsync("/settings/security");
        var refused = await browser.SubmitAsync(page, "form[action*='handler=Renew']", new Dictionary<string, string> { ["Code"] = "" });
        Assert.NotNull((await refused.ParseAsync()).QuerySelector("#renew-code-error"));

        var renewed = await browser.SubmitAsync(page, "form[action*='handler=Renew']", new Dictionary<string, string> { ["Code"] = App.CodeNow(enrolment.Secret) });
        var fresh = (await renewed.ParseAsync()).QuerySelectorAll("[data-testid=backup-codes] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(8, fresh.Count);
        Assert.Empty(fresh.Intersect(enrolment.BackupCodes));

        var old = await (await App.AtCodePageAsync(Email)).PostCodeAsync(enrolment.BackupCodes[1]);
        Assert.Contains("That code is not right", await TextAsync(old));
        Assert.Equal("/calendar", (await (await App.AtCodePageAsync(Email)).PostCodeAsync(fresh[1])).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Requiring_two_step_sign_in_sends_everyone_without_it_to_set_it_up_first()
    {
        var practice = await App.PracticeAsync(email: Email);
        await App.AssistantAsync(practice.Workspace.Id, "ruth@example.com");
        var token = await App.ApiTokenAsync("ruth@example.com");
        var owner = await App.SignedInAsync(Email);

        // Not before the owner uses it: the switch must not lock its owner into set-up.
        var tooEarly = await owner.SubmitAsync(await owner.GetPageAsync("/settings/security"), "form[action*='handler=Requirement']",
            new Dictionary<string, string> { ["Required"] = "true" });
        Assert.Contains("Turn on two-step sign-in for yourself first.", (await tooEarly.ParseAsync()).QuerySelector("#require-two-factor-error")!.TextContent);

        await App.EnrolAsync(owner);
        var on = await owner.SubmitAsync(await owner.GetPageAsync("/settings/security"), "form[action*='handler=Requirement']",
            new Dictionary<string, string> { ["Required"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, on.StatusCode);
        var change = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.ResourceType == nameof(Workspace) && a.Action == AuditAction.Update).Select(a => a.Changes!).ToListAsync());
        Assert.Contains(change, c => c.Contains("\"require_two_factor\": {\"new\": true, \"old\": false}"));

        // The assistant signs in with the link and lands on set-up; nothing else opens until it is done.
        var ruth = App.Browser();
        var landed = await ruth.FollowLinkAsync(await App.LinkForAsync("ruth@example.com"));
        Assert.Equal(TwoFactorRequirement.EnrolPath, landed.Headers.Location?.OriginalString);
        foreach (var path in new[] { "/calendar", "/clients", "/settings", "/" })
        {
            var blocked = await ruth.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
            Assert.Equal(TwoFactorRequirement.EnrolPath, blocked.Headers.Location?.OriginalString);
        }
        var htmx = new HttpRequestMessage(HttpMethod.Get, "/clients");
        htmx.Headers.Add("HX-Request", "true");
        Assert.Equal(TwoFactorRequirement.EnrolPath, (await ruth.SendAsync(htmx)).Headers.GetValues("HX-Redirect").Single());
        var api = await ruth.GetAsync("/api/v1/clients");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("requires two-step sign-in", await TextAsync(api));
        // An integration's token is not held back (an integration cannot type a code).
        Assert.Equal(HttpStatusCode.OK, (await App.WithBearer(token).GetAsync("/api/v1/clients")).StatusCode);

        var security = await ruth.GetPageAsync("/settings/security");
        Assert.NotNull(security.QuerySelector("[data-testid=two-factor-required]"));
        Assert.Contains("requires two-step sign-in for everyone", security.QuerySelector("[data-testid=practice-requirement]")!.TextContent);
        await App.EnrolAsync(ruth);
        Assert.Equal(HttpStatusCode.OK, (await ruth.GetAsync("/calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ruth.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task Only_an_owner_can_switch_the_requirement()
    {
        var practice = await App.PracticeAsync(email: Email);
        await App.AssistantAsync(practice.Workspace.Id, "ruth@example.com");
        var ruth = await App.SignedInAsync("ruth@example.com");
        var page = await ruth.GetPageAsync("/settings/security");
        Assert.Null(page.QuerySelector("form[action*='handler=Requirement']"));

        // The owner's form, posted by the assistant anyway.
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var answer = await ruth.PostAsync("/settings/security?handler=Requirement", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Required"] = "true",
        }));
        Assert.Equal("/error/403", answer.Headers.Location!.AbsolutePath);
        Assert.False(await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().Select(w => w.RequireTwoFactor).SingleAsync()));
    }
}
