using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PazPaz.E2E.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

public sealed class TeamJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    [Fact]
    public Task Owner_invites_an_assistant_who_accepts_from_the_email_and_lands_signed_in_on_the_calendar() =>
        RunJourneyAsync(nameof(Owner_invites_an_assistant_who_accepts_from_the_email_and_lands_signed_in_on_the_calendar), async page =>
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var name = $"Ruth Adler {suffix}";
            var address = $"ruth-{suffix}@example.com";

            await SignInAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Team" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invite an assistant" })).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the Team page");

            // A typo first: the form says what is wrong, in place.
            await page.GetByLabel("Name").FillAsync(name);
            await page.GetByLabel("E-mail address").FillAsync("ruth-at-example.com");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Expect(page.Locator("#Input_Email-error")).ToContainTextAsync("valid e-mail address");
            await page.GetByLabel("E-mail address").FillAsync(address.ToUpperInvariant());
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Invitation sent to {name}" })).ToBeVisibleAsync();
            var waiting = page.Locator("[data-invitation-id]").Filter(new() { HasText = address });
            await Expect(waiting).ToBeVisibleAsync();
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the Team page with an invitation waiting");
            await SaveReviewShotAsync(page, "team-desktop");
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await SaveReviewShotAsync(page, "team-phone");
            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);

            // The assistant, in a browser of their own, reads the e-mail and follows its link.
            await using var theirs = await App.Browser.NewContextAsync(new() { BaseURL = App.BaseUrl, ViewportSize = Desktop });
            var assistant = await theirs.NewPageAsync();
            var email = assistant.GetByRole(AriaRole.Article).Filter(new() { HasText = address }).First;
            await OpenMailboxAsync(assistant, email);
            var linkAnchor = email.GetByRole(AriaRole.Link).Filter(new() { HasText = "/invitations/" }).First;
            await Expect(linkAnchor).ToBeVisibleAsync();
            var link = await linkAnchor.GetAttributeAsync("href") ?? throw new InvalidOperationException("The link has no href.");

            await assistant.GotoAsync(link);
            await Expect(assistant.GetByRole(AriaRole.Heading, new() { Name = "Join Dana Levi Physiotherapy on PazPaz" })).ToBeVisibleAsync();
            await Expect(assistant.GetByTestId("invitation-summary")).ToContainTextAsync($"Dana Levi invited {name} ({address})");
            await AssertNoSeriousAccessibilityViolationsAsync(assistant, "the invitation page");
            await SaveReviewShotAsync(assistant, "invitation-desktop");
            await assistant.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await SaveReviewShotAsync(assistant, "invitation-phone");
            await assistant.SetViewportSizeAsync(Desktop.Width, Desktop.Height);

            await assistant.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
            await Expect(assistant).ToHaveURLAsync(new Regex("/calendar"));
            await Expect(assistant.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Welcome to Dana Levi Physiotherapy, {name}." })).ToBeVisibleAsync();
            await Expect(assistant.Locator("#calendar-region[data-ready='true']")).ToBeVisibleAsync();

            // An assistant has no Team tab, and the page itself refuses them.
            await assistant.GotoAsync("/settings");
            await Expect(assistant.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Team" })).ToHaveCountAsync(0);
            var refused = await assistant.GotoAsync("/settings/team");
            Assert.Equal(403, refused!.Status);

            // Nor can they open a session's note: the clinical record is the therapist's.
            var session = await SeedAppointmentAsync("Noa Cohen", Tuesday(JourneyBlock.Team, 0), 10);
            var note = await assistant.GotoAsync($"/appointments/{session}/note");
            Assert.Equal(403, note!.Status);
            await Expect(assistant.GetByRole(AriaRole.Main)).ToContainTextAsync("clinical record");

            // The link worked once: opening it again says so.
            var again = await assistant.GotoAsync(link);
            Assert.Equal(410, again!.Status);
            await Expect(assistant.GetByTestId("invitation-refusal")).ToContainTextAsync("already accepted");
            await AssertNoSeriousAccessibilityViolationsAsync(assistant, "a used invitation link");

            // The owner's list now has them as an assistant, and no invitation waits.
            await page.ReloadAsync();
            await Expect(page.Locator("[data-member-id]").Filter(new() { HasText = address })).ToContainTextAsync("Assistant");
            await Expect(waiting).ToHaveCountAsync(0);
        });
}
