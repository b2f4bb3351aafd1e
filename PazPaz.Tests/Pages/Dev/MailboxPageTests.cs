using MimeKit;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Dev;

public sealed class MailboxPageTests(PazPazApp app) : AppTest(app)
{
    private async Task WriteMessageAsync(DateTimeOffset date)
    {
        var message = new MimeMessage { Subject = "Your PazPaz sign-in link", Date = date, Body = new TextPart("plain") { Text = "Hello" } };
        message.From.Add(MailboxAddress.Parse("no-reply@pazpaz.local"));
        message.To.Add(MailboxAddress.Parse("dana@example.com"));
        Directory.CreateDirectory(App.MailFolder);
        await message.WriteToAsync(Path.Combine(App.MailFolder, "0001.eml"));
    }

    [Fact]
    public async Task Times_are_labelled_with_their_zone_in_UTC_before_signing_in()
    {
        await WriteMessageAsync(new DateTimeOffset(2026, 7, 1, 9, 30, 0, TimeSpan.Zero));
        var page = await App.Browser().GetPageAsync("/dev/mailbox");
        Assert.Equal("2026-07-01 09:30:00 UTC", page.QuerySelector("article time")!.TextContent.Trim());
    }

    [Fact]
    public async Task Times_are_in_the_practice_zone_once_signed_in()
    {
        await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        await WriteMessageAsync(new DateTimeOffset(2026, 7, 1, 9, 30, 0, TimeSpan.Zero));
        var page = await (await App.SignedInAsync("dana@example.com")).GetPageAsync("/dev/mailbox");
        Assert.Equal("2026-07-01 12:30:00 Asia/Jerusalem", page.QuerySelector("article time")!.TextContent.Trim());
    }
}
