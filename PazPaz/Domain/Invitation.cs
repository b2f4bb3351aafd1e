namespace PazPaz.Domain;

/// <summary>Who an invitation brings in: an assistant into the inviting owner's practice, or a therapist with a practice of their own.</summary>
public enum InvitationKind { Assistant, Therapist }

/// <summary>What is stored; <see cref="InvitationState.Expired"/> is read from the clock, never written.</summary>
public enum InvitationStatus { Pending, Accepted, Revoked }

public enum InvitationState { Pending, Accepted, Revoked, Expired }

/// <summary>
/// An e-mailed invitation to join PazPaz, valid <see cref="Lifetime"/>. Only the SHA-256 of its link's token is kept, and
/// the token is made when the e-mail is written (as sign-in links are), so no usable link waits in the database. Resending
/// makes a new link and the old one stops working at once; accepting is possible once.
/// </summary>
public sealed class Invitation
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    public const string AlreadyMember = "{0} already has an account in this practice.";
    public const string AlreadyInvited = "{0} already has an invitation waiting. Resend it from the list below instead.";

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public InvitationKind Kind { get; private set; }
    /// <summary>The practice joined: the inviter's for an assistant; for a therapist, set when accepting creates it.</summary>
    public Guid? WorkspaceId { get; private set; }
    /// <summary>Trimmed and lower-case, as <see cref="User.Email"/>.</summary>
    public string Email { get; private set; } = "";
    public string FullName { get; private set; } = "";
    public UserRole Role { get; private set; }
    /// <summary>The practice a therapist's acceptance creates (name and IANA zone); null for assistants.</summary>
    public string? WorkspaceName { get; private set; }
    public string? TimeZone { get; private set; }
    /// <summary>The owner (or platform admin) who invited; the invitation e-mail is sent on their behalf.</summary>
    public Guid InvitedByUserId { get; private set; }
    public InvitationStatus Status { get; private set; } = InvitationStatus.Pending;
    /// <summary>Counts the links sent: only the e-mail written for the current one makes a link (Invitations.ComposeAsync).</summary>
    public int LinkVersion { get; private set; } = 1;
    /// <summary>The current link's; kept after accepting or revoking, so that link meets a page saying so rather than "unknown".</summary>
    public string? TokenHash { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? AcceptedAt { get; private set; }
    public Guid? AcceptedUserId { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private Invitation() { }

    /// <summary>
    /// An owner invites an assistant. <paramref name="team"/> is every user of the practice and <paramref name="pending"/> its
    /// invitations still waiting: an address already in the practice, or already invited, is refused with a message saying so.
    /// </summary>
    public static Invitation ForAssistant(User owner, string? email, string? fullName, IReadOnlyCollection<User> team,
        IReadOnlyCollection<Invitation> pending, DateTimeOffset now)
    {
        if (!Workspace.SettingsChangeableBy(owner.Role) || !owner.IsActive) throw new DomainException("Only the practice owner can invite people.");
        if (Problems(email, fullName) is { Count: > 0 } problems) throw new DomainException(problems.Values.First());
        var normalized = User.NormalizeEmail(email!);
        if (team.Any(u => u.WorkspaceId == owner.WorkspaceId && u.Email == normalized))
            throw new DomainException(string.Format(AlreadyMember, normalized));
        if (pending.Any(i => i.WorkspaceId == owner.WorkspaceId && i.Email == normalized && i.StateAt(now) == InvitationState.Pending))
            throw new DomainException(string.Format(AlreadyInvited, normalized));
        return new Invitation
        {
            Kind = InvitationKind.Assistant, WorkspaceId = owner.WorkspaceId, Email = normalized, FullName = fullName!.Trim(),
            Role = UserRole.Assistant, InvitedByUserId = owner.Id, CreatedAt = now, UpdatedAt = now, ExpiresAt = now + Lifetime,
        };
    }

    /// <summary>
    /// A platform admin invites a therapist: accepting creates the practice (<paramref name="workspaceName"/>, in
    /// <paramref name="timeZone"/>) with them as its owner. An address with an active account anywhere is refused (one person, one practice, for now).
    /// </summary>
    public static Invitation ForTherapist(User platformAdmin, string? email, string? fullName, string? workspaceName, string? timeZone,
        bool addressHasActiveUser, DateTimeOffset now)
    {
        if (!platformAdmin.IsPlatformAdmin || !platformAdmin.IsActive) throw new DomainException("Only a platform admin can invite a therapist.");
        var problems = Problems(email, fullName);
        foreach (var (field, problem) in Workspace.Problems(workspaceName, timeZone))
            problems[field == nameof(Workspace.Name) ? nameof(WorkspaceName) : nameof(TimeZone)] = problem;
        if (problems.Count > 0) throw new DomainException(problems.Values.First());
        var normalized = User.NormalizeEmail(email!);
        if (addressHasActiveUser) throw new DomainException($"{normalized} already has an account in PazPaz.");
        return new Invitation
        {
            Kind = InvitationKind.Therapist, Email = normalized, FullName = fullName!.Trim(), Role = UserRole.Owner,
            WorkspaceName = workspaceName!.Trim(), TimeZone = timeZone!.Trim(), InvitedByUserId = platformAdmin.Id,
            CreatedAt = now, UpdatedAt = now, ExpiresAt = now + Lifetime,
        };
    }

    /// <summary>What is wrong with a name and an address, keyed by property name; empty when they can be used.</summary>
    public static Dictionary<string, string> Problems(string? email, string? fullName)
    {
        var problems = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(fullName)) problems[nameof(FullName)] = "Enter the person's name.";
        else if (fullName.Trim().Length > 255) problems[nameof(FullName)] = "A name is at most 255 characters.";
        if (string.IsNullOrWhiteSpace(email)) problems[nameof(Email)] = "Enter the e-mail address the invitation goes to.";
        else if (!User.LooksLikeEmail(email)) problems[nameof(Email)] = "Enter a valid e-mail address, like name@example.com.";
        return problems;
    }

    public InvitationState StateAt(DateTimeOffset now) => Status switch
    {
        InvitationStatus.Accepted => InvitationState.Accepted,
        InvitationStatus.Revoked => InvitationState.Revoked,
        _ => now >= ExpiresAt ? InvitationState.Expired : InvitationState.Pending,
    };

    /// <summary>The e-mail's link version <paramref name="version"/> is written now: its token becomes the one that works.</summary>
    public bool IssueLink(int version, string tokenHash, DateTimeOffset now)
    {
        if (version != LinkVersion || StateAt(now) != InvitationState.Pending) return false;
        TokenHash = tokenHash;
        SentAt = now;
        return true;
    }

    /// <summary>A new link, valid <see cref="Lifetime"/> from now (also for an expired invitation); the old link stops working at once.</summary>
    public void Resend(DateTimeOffset now)
    {
        if (Status != InvitationStatus.Pending) throw new DomainException(Status == InvitationStatus.Accepted
            ? "This invitation was already accepted." : "This invitation was revoked. Invite the person again.");
        LinkVersion++;
        TokenHash = null;
        SentAt = null;
        ExpiresAt = now + Lifetime;
    }

    public void Revoke(DateTimeOffset now)
    {
        if (Status == InvitationStatus.Accepted) throw new DomainException("This invitation was already accepted; deactivate the person instead.");
        if (Status == InvitationStatus.Revoked) return;
        Status = InvitationStatus.Revoked;
        RevokedAt = now;
    }

    /// <summary>Why this invitation's link cannot be accepted now, in words for the person holding it; null when it can.</summary>
    public string? RefusalAt(DateTimeOffset now) => StateAt(now) switch
    {
        InvitationState.Accepted => "This invitation was already accepted. Sign in with your e-mail address instead.",
        InvitationState.Revoked => "This invitation was withdrawn. Ask the person who invited you for a new one.",
        InvitationState.Expired => $"This invitation expired: invitations work for {Lifetime.TotalDays:0} days. Ask the person who invited you to send it again.",
        _ => null,
    };

    /// <summary>
    /// Accepting makes the person's account (and, for a therapist, the new practice, which the user owns): both ready to be saved.
    /// </summary>
    public (User User, Workspace? NewWorkspace) Accept(DateTimeOffset now)
    {
        if (RefusalAt(now) is { } refusal) throw new DomainException(refusal);
        Workspace? created = null;
        if (Kind == InvitationKind.Therapist)
        {
            created = Workspace.Create(WorkspaceName!, TimeZone!, now);
            WorkspaceId = created.Id;
        }
        var user = User.Create(WorkspaceId!.Value, Email, FullName, Role, now);
        Status = InvitationStatus.Accepted;
        AcceptedAt = now;
        AcceptedUserId = user.Id;
        return (user, created);
    }
}
