using System.Threading.Channels;
using PazPaz.Domain;
using PazPaz.Notifications;

namespace PazPaz.Auth;

/// <summary>
/// Sends sign-in e-mails from the outbox as soon as they are asked for, in the background of the process that took the
/// request, so that nobody waits for the next minute of the job and no request waits for (or fails on) the mail server.
/// Only sign-in and invitation rows are taken here; a row this misses (the process stopped, SMTP refused) is retried by the every-minute
/// job like any other e-mail, wherever the job server runs.
/// </summary>
public sealed class SignInMail(DeliverySender sender, ILogger<SignInMail> logger) : BackgroundService
{
    // One pending wake-up is enough: a send pass takes every sign-in row that is due by then.
    private readonly Channel<bool> wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => wakeUps.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in wakeUps.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                // Invitations ride the same path (one pass for both): the person invited is often waiting at the inviter's side.
                await sender.SendDueAsync(stoppingToken, NotificationKinds.SignInLink, NotificationKinds.Invitation);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The rows stay in the outbox; the every-minute job tries them again.
                logger.LogError(e, "Sending sign-in e-mails failed; the every-minute job will retry them");
            }
        }
    }
}
