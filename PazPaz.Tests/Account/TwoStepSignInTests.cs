using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Account;

/// <summary>Signing in with link + code: the code step, its window, replay, the five tries, backup codes and limits.</summary>
public sealed class TwoStepSignInTests(PazPazApp app) : AppTest(app)
{
    private const string Email = "dana@example.com";

    private async Task<(Seed.Practice Practice, TwoStep.Enrolment Enrolment)> EnrolledAsync()
    {
        var practice = await App.PracticeAsync(email: Email);
        var enrolment = await App.EnrolAsync(await App.SignedInAsync(Email));
        return (practice, enrolment);
    }

    /// <summary>Six digits that are none of the codes accepted now (so a "wrong code" is surely wrong).</summary>
    private string WrongCode(string secret)
    {
        var now = App.Clock.GetUtcNow();
        var accepted = new[] { -1, 0, 1 }.Select(k => Totp.CodeAt(secret, now + k * Totp.StepLength)).ToHashSet();
        return new[] { "000000", "111111", "222222", "333333" }.First(c => !accepted.Contains(c));
    }

    private static async Task<string> TextAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task The_link_alone_does_not_sign_in_someone_with_two_step_sign_in_the_code_does()
    {
        var (practice, enrolment) = await EnrolledAsync();
        var browser = await App.AtCodePageAsync(Email);

        var notYet = await browser.GetAsync("/calendar");
        Assert.Equal(HttpStatusCode.Redirect, notYet.StatusCode);
        Assert.StartsWith("/sign-in", notYet.Headers.Location!.PathAndQuery());
        var codePage = await browser.GetPageAsync("/sign-in/code");
        Assert.Equal("one-time-code", codePage.QuerySelector("#code")!.GetAttribute("autocomplete"));

        var signedIn = await browser.SubmitAsync(codePage, values: new Dictionary<string, string> { ["Code"] = App.CodeNow(enrolment.Secret) });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/calendar", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/calendar")).StatusCode);
        Assert.DoesNotContain(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SecondFactor.PendingCookie + "=") && !c.Contains("expires=Thu, 01 Jan 1970"));

        var logins = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.UserId == practice.Owner.Id && a.Action == AuditAction.Login).OrderBy(a => a.OccurredAt).Select(a => a.Metadata!).ToListAsync());
        // The first sign-in (before two-step sign-in was on) by link; the second only once the code was right.
        Assert.Equal(2, logins.Count);
        Assert.Contains("email_link+totp", logins[1]);
    }

    [Fact]
    public async Task A_code_works_once_the_same_code_again_is_refused_until_the_next_one()
    {
        var (_, enrolment) = await EnrolledAsync();
        var code = App.CodeNow(enrolment.Secret);
        var first = await (await App.AtCodePageAsync(Email)).PostCodeAsync(code);
        Assert.Equal("/calendar", first.Headers.Location?.OriginalString);

        App.Clock.Advance(TimeSpan.FromSeconds(5)); // still inside the code's window
        var thief = await App.AtCodePageAsync(Email);
        var replay = await thief.PostCodeAsync(code);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("That code was used already", await TextAsync(replay));
        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync("/calendar")).StatusCode);

        App.Clock.Advance(Totp.StepLength);
        var next = await thief.PostCodeAsync(App.CodeNow(enrolment.Secret));
        Assert.Equal("/calendar", next.Headers.Location?.OriginalString);
        var failures = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.Action == AuditAction.LoginFailed).Select(a => a.Metadata!).ToListAsync());
        Assert.Single(failures, m => m.Contains("replayed_code"));
    }

    [Fact]
    public async Task A_code_of_the_step_before_is_accepted_one_of_two_steps_before_is_not()
    {
        var (_, enrolment) = await EnrolledAsync();
        App.Clock.Advance(3 * Totp.StepLength);
        var previous = Totp.CodeAt(enrolment.Secret, App.Clock.GetUtcNow() - Totp.StepLength);
        Assert.Equal("/calendar", (await (await App.AtCodePageAsync(Email)).PostCodeAsync(previous)).Headers.Location?.OriginalString);

        App.Clock.Advance(4 * Totp.StepLength);
        var now = App.Clock.GetUtcNow();
        var twoBack = Totp.CodeAt(enrolment.Secret, now - 2 * Totp.StepLength);
        if (new[] { -1, 0, 1 }.Any(k => Totp.CodeAt(enrolment.Secret, now + k * Totp.StepLength) == twoBack)) return; // a one-in-a-million repeat
        var refused = await (await App.AtCodePageAsync(Email)).PostCodeAsync(twoBack);
        Assert.Contains("That code is not right", await TextAsync(refused));
    }

    [Fact]
    public async Task Five_wrong_codes_void_the_link_and_send_the_person_back_for_a_new_one()
    {
        var (practice, enrolment) = await EnrolledAsync();
        var browser = await App.AtCodePageAsync(Email);
        var wrong = WrongCode(enrolment.Secret);

        for (var i = 1; i <= 4; i++)
        {
            var answer = await TextAsync(await browser.PostCodeAsync(wrong));
            Assert.Contains(i == 4 ? "One try left." : $"{5 - i} tries left.", answer);
        }
        var fifth = await browser.PostCodeAsync(wrong);
        var page = await fifth.ParseAsync();
        Assert.Equal("Too many wrong codes", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("/sign-in", page.QuerySelector("main a.btn")!.GetAttribute("href"));

        // The right code no longer helps: the link is void.
        var late = await browser.PostCodeAsync(App.CodeNow(enrolment.Secret));
        Assert.Contains("This sign-in has expired", await TextAsync(late));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/calendar")).StatusCode);
        Assert.Equal(5, await App.WithDbAsync(db => db.SignInLinks.Where(l => l.UserId == practice.Owner.Id).MaxAsync(l => l.CodeAttempts)));
        var failures = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.UserId == practice.Owner.Id && a.Action == AuditAction.LoginFailed).Select(a => a.Metadata!).ToListAsync());
        Assert.Equal(5, failures.Count(m => m.Contains("wrong_code")));
        Assert.Single(failures, m => m.Contains("too_many_codes"));
    }

    [Fact]
    public async Task A_backup_code_signs_in_once()
    {
        var (practice, enrolment) = await EnrolledAsync();
        var backup = enrolment.BackupCodes[3];

        // Typed as people do: capitals, a space for the dash.
        var first = await (await App.AtCodePageAsync(Email)).PostCodeAsync(backup.ToUpperInvariant().Replace("-", " "));
        Assert.Equal("/calendar", first.Headers.Location?.OriginalString);

        var again = await (await App.AtCodePageAsync(Email)).PostCodeAsync(backup);
        Assert.Contains("That code is not right", await TextAsync(again));
        var other = await App.AtCodePageAsync(Email);
        Assert.Equal("/calendar", (await other.PostCodeAsync(enrolment.BackupCodes[5])).Headers.Location?.OriginalString);
        var calendar = await other.GetPageAsync("/calendar");
        Assert.Contains("You have 6 backup codes left.", calendar.QuerySelector("#flash")!.TextContent);

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(a => a.UserId == practice.Owner.Id && a.ResourceType == "TwoFactor").Select(a => a.Metadata!).ToListAsync());
        Assert.Equal(2, events.Count(m => m.Contains("backup_code_used")));
    }

    [Fact]
    public async Task The_code_step_belongs_to_the_browser_that_pressed_the_link_and_lasts_ten_minutes()
    {
        var (_, enrolment) = await EnrolledAsync();
        var browser = await App.AtCodePageAsync(Email);

        var elsewhere = await App.Browser().PostCodeAsync(App.CodeNow(enrolment.Secret));
        Assert.Contains("This sign-in has expired", await TextAsync(elsewhere));

        var forged = App.Browser();
        forged.DefaultRequestHeaders.Add("Cookie", $"{SecondFactor.PendingCookie}=CfDJ8not-a-real-value");
        Assert.Contains("This sign-in has expired", await TextAsync(await forged.PostCodeAsync(App.CodeNow(enrolment.Secret))));

        App.Clock.Advance(SignInLink.Lifetime + TimeSpan.FromSeconds(1));
        var late = await browser.PostCodeAsync(App.CodeNow(enrolment.Secret));
        Assert.Contains("This sign-in has expired", await TextAsync(late));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/calendar")).StatusCode);
    }

    [Fact]
    public async Task One_right_code_sent_twice_at_once_signs_in_only_once()
    {
        var (_, enrolment) = await EnrolledAsync();
        var a = await App.AtCodePageAsync(Email);
        var b = await App.AtCodePageAsync(Email);
        var code = App.CodeNow(enrolment.Secret);

        var answers = await Task.WhenAll(a.PostCodeAsync(code), b.PostCodeAsync(code));

        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.OriginalString == "/calendar");
        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_codes_over_several_links_are_limited_per_person_with_429()
    {
        var (_, enrolment) = await EnrolledAsync();
        var wrong = WrongCode(enrolment.Secret);
        for (var link = 0; link < 2; link++)
        {
            var browser = await App.AtCodePageAsync(Email);
            for (var i = 0; i < SignInLink.MaxCodeAttempts; i++) await browser.PostCodeAsync(wrong);
        }

        var third = await App.AtCodePageAsync(Email);
        var refused = await third.PostCodeAsync(App.CodeNow(enrolment.Secret));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Contains("Too many attempts", await TextAsync(refused));

        App.Clock.Advance(TwoFactorThrottle.Window);
        var fourth = await App.AtCodePageAsync(Email);
        Assert.Equal("/calendar", (await fourth.PostCodeAsync(App.CodeNow(enrolment.Secret))).Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\0\0\0\0\0\0")]
    [InlineData("123456\0")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("١٢٣٤٥٦")]
    [InlineData("12345")]
    [InlineData("LONG")]
    public async Task Junk_in_the_code_field_gets_a_message_never_a_500_and_uses_no_try(string typed)
    {
        var (practice, _) = await EnrolledAsync();
        var browser = await App.AtCodePageAsync(Email);
        if (typed == "LONG") typed = new string('7', 200_000);

        var answer = await browser.PostCodeAsync(typed);

        Assert.True((int)answer.StatusCode < 500, $"answered {(int)answer.StatusCode}");
        if (answer.StatusCode == HttpStatusCode.OK)
            Assert.Contains("Enter the 6-digit code", await TextAsync(answer));
        Assert.Equal(0, await App.WithDbAsync(db => db.SignInLinks.Where(l => l.UserId == practice.Owner.Id).MaxAsync(l => l.CodeAttempts)));
    }

    [Fact]
    public async Task The_code_page_without_a_confirmed_link_says_the_sign_in_expired()
    {
        var page = await App.Browser().GetPageAsync("/sign-in/code");
        Assert.Equal("This sign-in has expired", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("main form"));
    }

    [Fact]
    public async Task Another_practices_requirement_and_two_step_sign_in_change_nothing_here()
    {
        await App.PracticeAsync(email: Email);
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        var ruth = await App.SignedInAsync("ruth@example.com");
        await App.EnrolAsync(ruth);
        var requirement = await ruth.GetPageAsync("/settings/security");
        await ruth.SubmitAsync(requirement, "form[action*='handler=Requirement']", new Dictionary<string, string> { ["Required"] = "true" });
        Assert.True(await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().Where(w => w.Id == other.Workspace.Id).Select(w => w.RequireTwoFactor).SingleAsync()));

        // Dana's practice requires nothing and Dana has no two-step sign-in: the link alone signs her in, to the calendar.
        var dana = await App.SignedInAsync(Email);
        Assert.Equal(HttpStatusCode.OK, (await dana.GetAsync("/calendar")).StatusCode);
        var security = await dana.GetPageAsync("/settings/security");
        Assert.Null(security.QuerySelector("[data-testid=two-factor-required]"));
        Assert.Equal("Off", security.QuerySelector("[data-testid=two-factor-status]")!.TextContent.Trim());
    }
}
