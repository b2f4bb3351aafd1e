using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notifications;
using PazPaz.Security;

namespace PazPaz.Team;

/// <summary>What following an invitation link came to.</summary>
public abstract record InvitationOutcome
{
    /// <summary>No invitation has this link (never had, or a newer e-mail replaced it).</summary>
    public sealed record Unknown : InvitationOutcome;
    /// <summary>Expired, revoked, already accepted, or its practice is no longer active: <paramref name="Reason"/> says which.</summary>
    public sealed record Gone(string Reason) : InvitationOutcome;
    public sealed record Accepted(User User) : InvitationOutcome;
}

/// <summary>An invitation as its accept page shows it.</summary>
public sealed record InvitationView(Invitation Invitation, string InviterName, string PracticeName, string TimeZone);

/// <summary>
/// Invitations from invite to acceptance, shared by Settings → Team, the operator command line and (later) the platform
/// admin console: each records the e-mail in the deliveries outbox in the same save and wakes the sender, which writes the
/// e-mail, and makes the link, only when it sends it (<see cref="ComposeAsync"/>).
/// </summary>
public sealed class Invitations(PazPazDb db, AuditLog audit, TimeProvider clock, SignInMail mail)
{
    public async Task<Invitation> InviteAssistantAsync(User owner, string? email, string? fullName, CancellationToken cancellationToken = default)
    {
        await RefuseBlockedAsync(email, cancellationToken);
        var now = clock.GetUtcNow();
        var team = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.WorkspaceId == owner.WorkspaceId).ToListAsync(cancellationToken);
        var waiting = await db.Invitations.IgnoreQueryFilters([PazPazDb.WallFilter])
            .Where(i => i.WorkspaceId == owner.WorkspaceId && i.Status == InvitationStatus.Pending).ToListAsync(cancellationToken);
        var invitation = Invitation.ForAssistant(owner, email, fullName, team, waiting, now);
        db.Invitations.Add(invitation);
        await QueueAndSaveAsync(invitation, owner, now, cancellationToken);
        return invitation;
    }

    /// <summary>A platform admin's invitation of a therapist, whose acceptance creates their practice.</summary>
    public async Task<Invitation> InviteTherapistAsync(User platformAdmin, string? email, string? fullName, string? workspaceName, string? timeZone,
        CancellationToken cancellationToken = default)
    {
        await RefuseBlockedAsync(email, cancellationToken);
        var now = clock.GetUtcNow();
        var normalized = User.LooksLikeEmail(email) ? User.NormalizeEmail(email!) : "";
        var taken = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter])
            .AnyAsync(u => u.Email == normalized && u.IsActive && u.Workspace!.Status != WorkspaceStatus.Deleted, cancellationToken);
        var invitation = Invitation.ForTherapist(platformAdmin, email, fullName, workspaceName, timeZone, taken, now);
        db.Invitations.Add(invitation);
        await QueueAndSaveAsync(invitation, platformAdmin, now, cancellationToken);
        return invitation;
    }

    /// <summary>A new link in a new e-mail, sent on behalf of <paramref name="by"/>; the old link stops working at once.</summary>
    public async Task ResendAsync(Invitation invitation, User by, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        invitation.Resend(now);
        await QueueAndSaveAsync(invitation, by, now, cancellationToken);
    }

    public async Task RevokeAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        invitation.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The invitation a link names, with what its page shows; null for a link no invitation has.</summary>
    public async Task<InvitationView?> FindAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeToken(token)) return null;
        var hash = Tokens.Hash(token!);
        var invitation = await db.Invitations.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null) return null;
        var inviter = await db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => u.Id == invitation.InvitedByUserId)
            .Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken) ?? "PazPaz";
        var workspace = invitation.WorkspaceId is { } id
            ? await db.Workspaces.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken)
            : null;
        return new InvitationView(invitation, inviter, workspace?.Name ?? invitation.WorkspaceName ?? "",
            workspace?.TimeZone ?? invitation.TimeZone ?? "UTC");
    }

    /// <summary>The platform admin's blocklist (Admin → Blocked addresses): a blocked address is never invited.</summary>
    private async Task RefuseBlockedAsync(string? email, CancellationToken cancellationToken)
    {
        var normalized = BlockedAddress.Normalize(email);
        if (normalized.Length > 0 && await db.BlockedAddresses.AnyAsync(b => b.Email == normalized, cancellationToken))
            throw new DomainException($"{normalized} cannot be invited: the address is blocked on this server.");
    }

    /// <summary>Why the invitation cannot be accepted now (for its page), or null when it can.</summary>
    public async Task<string?> RefusalAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (invitation.RefusalAt(now) is { } refusal) return refusal;
        if (await db.BlockedAddresses.AnyAsync(b => b.Email == invitation.Email, cancellationToken))
            return "This invitation can no longer be accepted.";
        if (invitation.WorkspaceId is { } id &&
            !await db.Workspaces.IgnoreQueryFilters().AnyAsync(w => w.Id == id && w.Status == WorkspaceStatus.Active, cancellationToken))
            return "This practice is not using PazPaz at the moment, so the invitation cannot be accepted.";
        if (invitation.WorkspaceId is { } workspaceId &&
            await db.Users.IgnoreQueryFilters().AnyAsync(u => u.WorkspaceId == workspaceId && u.Email == invitation.Email, cancellationToken))
            return $"{invitation.Email} already has an account in this practice. Sign in with that address instead.";
        return null;
    }

    /// <summary>
    /// Accepts once, even under concurrent clicks: the invitation's row is locked while the account (and a therapist's
    /// practice) is made, so a second acceptance waits and then finds it accepted. Records the first sign-in.
    /// </summary>
    public async Task<InvitationOutcome> AcceptAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!LooksLikeToken(token)) return new InvitationOutcome.Unknown();
        var hash = Tokens.Hash(token!);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invitation = (await db.Invitations.FromSql($"SELECT * FROM invitations WHERE token_hash = {hash} FOR UPDATE")
            .IgnoreQueryFilters().ToListAsync(cancellationToken)).FirstOrDefault();
        if (invitation is null) return new InvitationOutcome.Unknown();
        if (await RefusalAsync(invitation, cancellationToken) is { } refusal) return new InvitationOutcome.Gone(refusal);

        var now = clock.GetUtcNow();
        var (user, workspace) = invitation.Accept(now);
        if (workspace is not null) db.Workspaces.Add(workspace);
        db.Users.Add(user);
        // The digests' first days follow the practice's usual week, as for everyone else's first settings.
        var zone = workspace?.TimeZone ?? await db.Workspaces.IgnoreQueryFilters().Where(w => w.Id == user.WorkspaceId).Select(w => w.TimeZone).SingleAsync(cancellationToken);
        db.NotificationSettings.Add(UserNotificationSettings.CreateDefaults(user.WorkspaceId, user.Id, WorkingWeek.Default(zone)));
        user.RecordSignIn(now);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditAction.Login, nameof(User), user.Id, user.WorkspaceId, user.Id,
            new { method = "invitation", invitation_id = invitation.Id }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new InvitationOutcome.Accepted(user);
    }

    /// <summary>"invitation:{id}:{link version}": one e-mail per link, whoever asks for it twice.</summary>
    public static string OccasionKey(Invitation invitation) =>
        $"invitation:{invitation.Id}:{invitation.LinkVersion.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Writes an invitation e-mail for its outbox row, making its link now (only the hash is stored) if the row is for
    /// the invitation's current link and the invitation still waits; otherwise there is nothing to send.
    /// </summary>
    public static async Task<Composed> ComposeAsync(PazPazDb db, string baseUrl, NotificationDelivery delivery, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var parts = delivery.OccasionKey.Split(':');
        if (parts is not ["invitation", var idText, var versionText] || !Guid.TryParse(idText, out var id) ||
            !int.TryParse(versionText, CultureInfo.InvariantCulture, out var version))
            return new Composed(null, $"Not an invitation occasion: '{delivery.OccasionKey}'.");
        var invitation = await db.Invitations.IgnoreQueryFilters().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invitation is null) return new Composed(null, "The invitation is gone.");
        var inviter = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == invitation.InvitedByUserId, cancellationToken);
        var workspace = invitation.WorkspaceId is { } workspaceId
            ? await db.Workspaces.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Id == workspaceId, cancellationToken)
            : null;
        if (invitation.Kind == InvitationKind.Assistant && workspace is not { IsActive: true }) return new Composed(null, "The practice is not active.");

        var token = Tokens.New();
        if (!invitation.IssueLink(version, Tokens.Hash(token), now))
            return new Composed(null, version != invitation.LinkVersion ? "A newer link was sent." : "The invitation no longer waits.");
        await db.SaveChangesAsync(cancellationToken);
        var url = $"{baseUrl.TrimEnd('/')}/invitations/{token}";
        return new Composed(Message(invitation, inviter?.FullName ?? "PazPaz", workspace?.Name ?? invitation.WorkspaceName!,
            workspace?.TimeZone ?? invitation.TimeZone!, url), null);
    }

    private async Task QueueAndSaveAsync(Invitation invitation, User sender, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.NotificationDeliveries.Add(NotificationDelivery.Claim(sender.WorkspaceId, sender.Id, NotificationKinds.Invitation, OccasionKey(invitation), now));
        await db.SaveChangesAsync(cancellationToken);
        mail.Wake();
    }

    private static bool LooksLikeToken(string? token) => !string.IsNullOrWhiteSpace(token) && token.Length <= 100;

    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");

    private static EmailMessage Message(Invitation invitation, string inviter, string practice, string timeZone, string url)
    {
        var until = TimeZoneInfo.ConvertTime(invitation.ExpiresAt, TimeZones.Find(timeZone)).ToString("dddd d MMMM yyyy 'at' HH:mm", En);
        var (subject, what) = invitation.Kind == InvitationKind.Assistant
            ? ($"{inviter} invited you to {practice} on PazPaz", $"{inviter} invited you to join {practice} on PazPaz as an assistant: you will run the calendar and the clients' contact details.")
            : ($"Your PazPaz practice {practice} is ready to set up", $"{inviter} invited you to PazPaz, where your practice {practice} waits for you as its owner.");
        var text = $"Hello {invitation.FullName},\n\n{what}\n\nAccept the invitation here (the link works until {until}, {timeZone} time):\n\n{url}\n\n" +
            "Accepting signs you in; afterwards you sign in with a link sent to this address, no password needed.\n" +
            "If you did not expect this invitation, you can ignore this e-mail.\n";
        var html = $"<p>Hello {WebUtility.HtmlEncode(invitation.FullName)},</p><p>{WebUtility.HtmlEncode(what)}</p>" +
            $"<p><a href=\"{WebUtility.HtmlEncode(url)}\" style=\"display:inline-block;background:#0d9488;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none\">Accept the invitation</a></p>" +
            $"<p>The link works until {WebUtility.HtmlEncode(until)} ({WebUtility.HtmlEncode(timeZone)} time). Accepting signs you in; afterwards you sign in with a link sent to this address, no password needed.</p>" +
            "<p style=\"color:#6b7280\">If you did not expect this invitation, you can ignore this e-mail.</p>";
        return new EmailMessage(invitation.Email, subject, text, html);
    }
}
