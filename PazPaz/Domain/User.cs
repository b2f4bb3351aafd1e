namespace PazPaz.Domain;

public enum UserRole { Owner, Assistant }

public sealed class User : IWorkspaceOwned
{
    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    /// <summary>Stored trimmed and lower-case so uniqueness and look-up are case-insensitive.</summary>
    public string Email { get; private set; } = "";
    public string FullName { get; private set; } = "";
    public UserRole Role { get; private set; }
    public bool IsActive { get; private set; } = true;
    public bool IsPlatformAdmin { get; private set; }
    /// <summary>Changes whenever every session of the user must end (sign out everywhere, deactivation).</summary>
    public string SecurityStamp { get; private set; } = NewStamp();
    public string? InvitationTokenHash { get; private set; }
    public DateTimeOffset? InvitedAt { get; private set; }
    public bool InvitedByPlatformAdmin { get; private set; }
    /// <summary>Base32 TOTP secret (encrypted at rest). Set while enrolling and while two-step sign-in is on.</summary>
    public string? TotpSecret { get; private set; }
    public bool TotpEnabled { get; private set; }
    public DateTimeOffset? TotpEnrolledAt { get; private set; }
    /// <summary>
    /// The last 30-second step whose code was accepted. A code is only taken for a later step, so no code works twice;
    /// written with a conditional UPDATE (Auth/SecondFactor.cs) so two submissions cannot both win.
    /// </summary>
    public long? TotpLastUsedStep { get; private set; }
    public DateTimeOffset? LastSignInAt { get; private set; }
    /// <summary>The user's own working week (<see cref="WorkingWeek.ToJson"/>); null until set: the practice's usual week.</summary>
    public string? WorkingHours { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public Workspace? Workspace { get; private set; }

    private User() { }

    public static User Create(Guid workspaceId, string email, string fullName, UserRole role, DateTimeOffset now)
    {
        var user = new User { WorkspaceId = workspaceId, Role = role, CreatedAt = now, UpdatedAt = now };
        user.ChangeEmail(email);
        user.Rename(fullName);
        return user;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static bool LooksLikeEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 254 &&
        System.Net.Mail.MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim();

    public void ChangeEmail(string email)
    {
        if (!LooksLikeEmail(email)) throw new DomainException("Enter a valid e-mail address.");
        Email = NormalizeEmail(email);
    }

    public void Rename(string fullName)
    {
        fullName = fullName.Trim();
        if (fullName.Length is 0 or > 255) throw new DomainException("A name is 1 to 255 characters.");
        FullName = fullName;
    }

    public void MakePlatformAdmin() => IsPlatformAdmin = true;
    /// <summary>
    /// Removes the user from the workspace: every session ends, and each of their calendar feeds and API tokens is revoked
    /// (ics-feed.md, spec §12), so re-activating them later does not bring an old, perhaps leaked, feed URL or token back.
    /// <paramref name="feeds"/> are all their live feeds (<c>db.CalendarFeeds.LiveOf(user)</c>), <paramref name="tokens"/>
    /// all their unrevoked tokens (<c>db.ApiTokens.UnrevokedOf(user)</c>).
    /// </summary>
    public void Deactivate(IReadOnlyCollection<CalendarFeed> feeds, IReadOnlyCollection<ApiToken> tokens, DateTimeOffset now)
    {
        if (feeds.Any(f => f.UserId != Id)) throw new ArgumentException("Only the user's own feeds can be revoked with them.", nameof(feeds));
        if (tokens.Any(t => t.UserId != Id)) throw new ArgumentException("Only the user's own tokens can be revoked with them.", nameof(tokens));
        IsActive = false;
        SecurityStamp = NewStamp();
        foreach (var feed in feeds) feed.Revoke(now);
        foreach (var token in tokens) token.Revoke(now);
    }

    public const string LastOwner = "A practice needs an active owner: make someone else an owner first.";

    /// <summary>True when no other active user of the practice is an owner (<paramref name="team"/>: everyone in it).</summary>
    public bool IsLastActiveOwner(IReadOnlyCollection<User> team) =>
        Role == UserRole.Owner && IsActive && !team.Any(u => u.Id != Id && u.WorkspaceId == WorkspaceId && u.IsActive && u.Role == UserRole.Owner);

    /// <summary>Owner ↔ assistant. The last active owner stays an owner, so a practice is never left without one.</summary>
    public void ChangeRole(UserRole role, IReadOnlyCollection<User> team)
    {
        if (role == Role) return;
        if (IsLastActiveOwner(team)) throw new DomainException(LastOwner);
        Role = role;
    }

    /// <summary>
    /// <see cref="Deactivate"/> as the Team page does it: never the last active owner, and never the person asking
    /// (they would lock themselves out mid-request).
    /// </summary>
    public void DeactivateInTeam(User by, IReadOnlyCollection<User> team, IReadOnlyCollection<CalendarFeed> feeds, IReadOnlyCollection<ApiToken> tokens,
        DateTimeOffset now)
    {
        if (!IsActive) return;
        if (by.Id == Id) throw new DomainException("You cannot deactivate yourself. Another owner can.");
        if (IsLastActiveOwner(team)) throw new DomainException(LastOwner);
        Deactivate(feeds, tokens, now);
    }

    public void Activate() => IsActive = true;
    public void SignOutEverywhere() => SecurityStamp = NewStamp();
    public void RecordSignIn(DateTimeOffset now) => LastSignInAt = now;

    public void SetWorkingHours(WorkingWeek week) => WorkingHours = week.ToJson();

    /// <summary>Back to the practice's usual week (it follows the practice's zone).</summary>
    public void ResetWorkingHours() => WorkingHours = null;

    /// <summary>Keeps a new secret until the first code from the authenticator app confirms it.</summary>
    public void StartTotpEnrolment(string secret)
    {
        if (TotpEnabled) throw new DomainException("Two-step sign-in is already on.");
        TotpSecret = secret;
    }

    public void CancelTotpEnrolment()
    {
        if (TotpEnabled) throw new DomainException("Two-step sign-in is on; turning it off needs a code.");
        TotpSecret = null;
    }

    /// <summary>Turns two-step sign-in on once a code for <paramref name="step"/> proved the app holds the secret.</summary>
    public void EnableTotp(long step, DateTimeOffset now)
    {
        if (TotpEnabled) throw new DomainException("Two-step sign-in is already on.");
        if (TotpSecret is null) throw new DomainException("Start the set-up first.");
        TotpEnabled = true;
        TotpEnrolledAt = now;
        TotpLastUsedStep = step;
    }

    /// <summary>Off, and the secret forgotten; the caller has checked a current code and removes the backup codes.</summary>
    public void DisableTotp()
    {
        TotpEnabled = false;
        TotpSecret = null;
        TotpEnrolledAt = null;
        TotpLastUsedStep = null;
    }

    private static string NewStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
