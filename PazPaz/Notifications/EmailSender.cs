using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using PazPaz.Operations;

namespace PazPaz.Notifications;

public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody);

/// <summary>Sends through SMTP (MailKit), or writes .eml files to the pickup folder when no SMTP host is configured.</summary>
public sealed class EmailSender(IOptions<SmtpOptions> smtp, IOptions<EmailOptions> email, ILogger<EmailSender> logger)
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(smtp.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();

        if (string.IsNullOrWhiteSpace(smtp.Value.Host))
        {
            Directory.CreateDirectory(email.Value.PickupDirectory);
            var path = Path.Combine(email.Value.PickupDirectory, $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml");
            await mime.WriteToAsync(path, cancellationToken);
            logger.LogInformation("E-mail {Subject} written to {Path}", message.Subject, path);
            return;
        }

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Value.Host, smtp.Value.Port,
            smtp.Value.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.Auto, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Value.UserName))
            await client.AuthenticateAsync(smtp.Value.UserName, smtp.Value.Password ?? "", cancellationToken);
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        logger.LogInformation("E-mail {Subject} sent through {Host}", message.Subject, smtp.Value.Host);
    }
}
