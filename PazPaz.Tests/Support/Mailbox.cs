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

    public static string SignInLinkIn(MimeMessage message) =>
        SignInLink().Match(message.TextBody ?? "").Value is { Length: > 0 } link ? link : throw new InvalidOperationException("No sign-in link in the e-mail.");

    [GeneratedRegex(@"https?://\S+/sign-in/link\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex SignInLink();
}
