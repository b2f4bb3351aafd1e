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
        await using var session = OpenSession();
        await session.SendAsync(message, cancellationToken);
    }

    /// <summary>One SMTP connection for many messages (opened on the first send, reopened after an error).</summary>
    public EmailSession OpenSession() => new(smtp.Value, email.Value, logger);

    public sealed class EmailSession(SmtpOptions smtp, EmailOptions email, ILogger logger) : IAsyncDisposable
    {
        private SmtpClient? client;

        public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            var mime = new MimeMessage();
            mime.From.Add(MailboxAddress.Parse(smtp.From));
            mime.To.Add(MailboxAddress.Parse(message.To));
            mime.Subject = message.Subject;
            mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();

            if (string.IsNullOrWhiteSpace(smtp.Host))
            {
                Directory.CreateDirectory(email.PickupDirectory);
                var path = Path.Combine(email.PickupDirectory, $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml");
                await mime.WriteToAsync(path, cancellationToken);
                logger.LogInformation("E-mail {Subject} written to {Path}", message.Subject, path);
                return;
            }

            try
            {
                if (client is not { IsConnected: true })
                {
                    client?.Dispose();
                    client = new SmtpClient { Timeout = 30_000 };
                    await client.ConnectAsync(smtp.Host, smtp.Port,
                        smtp.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.Auto, cancellationToken);
                    if (!string.IsNullOrEmpty(smtp.UserName))
                        await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
                }
                await client.SendAsync(mime, cancellationToken);
            }
            catch
            {
                // A half-open connection is worthless; the next message starts afresh.
                client?.Dispose();
                client = null;
                throw;
            }
            logger.LogDebug("E-mail {Subject} sent through {Host}", message.Subject, smtp.Host);
        }

        /// <summary>True when the error says the server could not be reached at all, so the messages after it would fail too.</summary>
        public static bool ServerUnreachable(Exception e) =>
            e is System.Net.Sockets.SocketException or SslHandshakeException or AuthenticationException or TimeoutException or IOException
            || e.InnerException is System.Net.Sockets.SocketException;

        public async ValueTask DisposeAsync()
        {
            if (client is null) return;
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(true);
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or System.Net.Sockets.SocketException) { /* closing anyway */ }
            client.Dispose();
        }
    }
}
