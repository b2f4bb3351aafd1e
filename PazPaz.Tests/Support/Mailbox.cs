using System.Text.RegularExpressions;
using MimeKit;

namespace PazPaz.Tests.Support;

/// <summary>The .eml files the app wrote to its pickup folder.</summary>
public static partial class Mailbox
{
    public static List<MimeMessage> Messages(this PazPazApp app) =>
        Directory.Exists(app.MailFolder)
            ? Directory.GetFiles(app.MailFolder, "*.eml").Order().Select(f => MimeMessage.Load(f)).ToList()
            : [];

    /// <summary>
    /// Waits (up to 10 s) until the pickup folder holds <paramref name="count"/> messages, then returns them: sign-in
    /// e-mails are sent in the background, just after the request that asked for them.
    /// </summary>
    public static async Task<List<MimeMessage>> MessagesAsync(this PazPazApp app, int count)
    {
        await Poll.UntilAsync(() => app.Messages().Count >= count);
        return app.Messages();
    }

    /// <summary>Waits until no sign-in e-mail is left to send (none pending), then returns what was written.</summary>
    public static async Task<List<MimeMessage>> SettledMessagesAsync(this PazPazApp app)
    {
        await Poll.UntilAsync(async () => !await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(db.NotificationDeliveries),
            d => d.Kind == PazPaz.Domain.NotificationKinds.SignInLink && (d.Status == PazPaz.Domain.DeliveryStatus.Pending || d.Status == PazPaz.Domain.DeliveryStatus.Sending))));
        return app.Messages();
    }

    public static string SignInLinkIn(MimeMessage message) =>
        SignInLink().Match(message.TextBody ?? "").Value is { Length: > 0 } link ? link : throw new InvalidOperationException("No sign-in link in the e-mail.");

    [GeneratedRegex(@"https?://\S+/sign-in/link\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex SignInLink();
}
