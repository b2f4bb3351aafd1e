using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PazPaz.Domain;

namespace PazPaz.Tests.Support;

/// <summary>Inviting through Settings → Team, and reading the invitation e-mails the app wrote.</summary>
public static partial class Invites
{
    public const string TeamUrl = "/settings/team";
    public const string InviteForm = "form[action*='handler=Invite']";

    public static HttpClient Htmx(this HttpClient browser)
    {
        browser.DefaultRequestHeaders.Remove("HX-Request");
        browser.DefaultRequestHeaders.Add("HX-Request", "true");
        return browser;
    }

    public static async Task<(HttpResponseMessage Response, IDocument Page)> InviteAsync(this HttpClient owner, string name, string email)
    {
        var team = await owner.GetPageAsync(TeamUrl);
        var response = await owner.SubmitAsync(team, InviteForm, new Dictionary<string, string> { ["Input.FullName"] = name, ["Input.Email"] = email });
        return (response, await response.ParseAsync());
    }

    /// <summary>Submits the form whose action contains <paramref name="handlerAndId"/> (e.g. "handler=Resend&amp;id=…") on the Team page.</summary>
    public static async Task<HttpResponseMessage> TeamActionAsync(this HttpClient owner, string handler, Guid id)
    {
        var team = await owner.GetPageAsync(TeamUrl);
        return await owner.SubmitAsync(team, $"form[action*='handler={handler}'][action*='{id}']");
    }

    /// <summary>The invitation e-mails to the address written so far (one still being written is left for the next look).</summary>
    public static List<MimeMessage> InvitationsTo(this PazPazApp app, string email)
    {
        if (!Directory.Exists(app.MailFolder)) return [];
        var messages = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(app.MailFolder, "*.eml").Order())
        {
            try { messages.Add(MimeMessage.Load(file)); }
            catch (IOException) { }
            catch (FormatException) { }
        }
        return messages.Where(m => m.To.Mailboxes.Any(a => a.Address == email) && LinkIn(m) is not null).ToList();
    }

    /// <summary>Waits until <paramref name="count"/> invitation e-mails reached the address, and no invitation e-mail waits to be sent.</summary>
    public static async Task<List<MimeMessage>> InvitationsToAsync(this PazPazApp app, string email, int count)
    {
        await Poll.UntilAsync(() => app.InvitationsTo(email).Count >= count);
        await Poll.UntilAsync(async () => !await app.WithDbAsync(db => db.NotificationDeliveries.IgnoreQueryFilters()
            .AnyAsync(d => d.Kind == NotificationKinds.Invitation && (d.Status == DeliveryStatus.Pending || d.Status == DeliveryStatus.Sending))));
        return app.InvitationsTo(email);
    }

    public static async Task<string> InvitationPathAsync(this PazPazApp app, string email, int nth = 1)
    {
        var messages = await app.InvitationsToAsync(email, nth);
        Assert.True(messages.Count >= nth, $"Expected {nth} invitation e-mails to {email}, found {messages.Count}.");
        return new Uri(LinkIn(messages[nth - 1])!).PathAndQuery;
    }

    public static string? LinkIn(MimeMessage message) => Link().Match(message.TextBody ?? "") is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"https?://\S+/invitations/[A-Za-z0-9_\-]+")]
    private static partial Regex Link();
}
