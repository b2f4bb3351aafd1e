using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class InvitationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid WorkspaceId = Guid.CreateVersion7();
    private static readonly User Owner = User.Create(WorkspaceId, "dana@example.com", "Dana Levi", UserRole.Owner, Now);

    private static Invitation Ruth(params Invitation[] waiting) => Invitation.ForAssistant(Owner, " Ruth@Example.com ", " Ruth Adler ", [Owner], waiting, Now);

    [Fact]
    public void An_assistant_invitation_is_normalised_pending_for_seven_days_then_expired()
    {
        var invitation = Ruth();
        Assert.Equal(("ruth@example.com", "Ruth Adler", UserRole.Assistant, WorkspaceId), (invitation.Email, invitation.FullName, invitation.Role, invitation.WorkspaceId));
        Assert.Equal(InvitationState.Pending, invitation.StateAt(Now + Invitation.Lifetime - TimeSpan.FromTicks(1)));
        Assert.Equal(InvitationState.Expired, invitation.StateAt(Now + Invitation.Lifetime));
        Assert.Contains("expired", invitation.RefusalAt(Now + Invitation.Lifetime));
    }

    [Fact]
    public void Only_an_active_owner_invites_and_not_an_address_already_in_the_practice_or_already_waiting()
    {
        var assistant = User.Create(WorkspaceId, "eve@example.com", "Eve", UserRole.Assistant, Now);
        Assert.Throws<DomainException>(() => Invitation.ForAssistant(assistant, "x@example.com", "X", [Owner], [], Now));
        var member = Assert.Throws<DomainException>(() => Invitation.ForAssistant(Owner, "DANA@example.com", "D", [Owner], [], Now));
        Assert.Contains("already has an account", member.Message);
        var waiting = Assert.Throws<DomainException>(() => Ruth(Ruth()));
        Assert.Contains("already has an invitation waiting", waiting.Message);
        var expired = Ruth();
        Assert.Equal("ruth@example.com", Invitation.ForAssistant(Owner, "ruth@example.com", "Ruth", [Owner], [expired], Now + Invitation.Lifetime).Email);
    }

    [Fact]
    public void A_link_is_issued_only_for_the_current_version_and_resending_replaces_it_and_renews_the_week()
    {
        var invitation = Ruth();
        Assert.True(invitation.IssueLink(1, "hash-1", Now));
        invitation.Resend(Now + TimeSpan.FromDays(8));
        Assert.Null(invitation.TokenHash);
        Assert.False(invitation.IssueLink(1, "hash-late", Now + TimeSpan.FromDays(8)));
        Assert.True(invitation.IssueLink(2, "hash-2", Now + TimeSpan.FromDays(8)));
        Assert.Equal(InvitationState.Pending, invitation.StateAt(Now + TimeSpan.FromDays(14)));
    }

    [Fact]
    public void Accepting_makes_the_user_once_and_revoked_or_accepted_invitations_refuse()
    {
        var invitation = Ruth();
        var (user, created) = invitation.Accept(Now);
        Assert.Null(created);
        Assert.Equal((WorkspaceId, "ruth@example.com", UserRole.Assistant), (user.WorkspaceId, user.Email, user.Role));
        Assert.Throws<DomainException>(() => invitation.Accept(Now));
        Assert.Throws<DomainException>(() => invitation.Revoke(Now));
        Assert.Throws<DomainException>(() => invitation.Resend(Now));

        var revoked = Ruth();
        revoked.Revoke(Now);
        Assert.Contains("withdrawn", Assert.Throws<DomainException>(() => revoked.Accept(Now)).Message);
    }

    [Fact]
    public void A_therapist_invitation_creates_the_practice_in_its_zone_with_them_as_owner()
    {
        var admin = User.Create(WorkspaceId, "ops@example.com", "Ops", UserRole.Owner, Now);
        Assert.Throws<DomainException>(() => Invitation.ForTherapist(admin, "noa@example.com", "Noa", "Harbour", "UTC", false, Now));
        admin.MakePlatformAdmin();
        Assert.Throws<DomainException>(() => Invitation.ForTherapist(admin, "noa@example.com", "Noa", "Harbour", "Mars/Olympus", false, Now));
        Assert.Throws<DomainException>(() => Invitation.ForTherapist(admin, "noa@example.com", "Noa", "Harbour", "UTC", addressHasActiveUser: true, Now));

        var invitation = Invitation.ForTherapist(admin, "Noa@example.com", "Noa Friedman", "Harbour Physio", "Asia/Jerusalem", false, Now);
        var (user, workspace) = invitation.Accept(Now);
        Assert.NotNull(workspace);
        Assert.Equal(("Harbour Physio", "Asia/Jerusalem"), (workspace.Name, workspace.TimeZone));
        Assert.Equal((workspace.Id, UserRole.Owner, "noa@example.com"), (user.WorkspaceId, user.Role, user.Email));
        Assert.Equal(workspace.Id, invitation.WorkspaceId);
    }

    [Fact]
    public void The_last_active_owner_can_be_neither_demoted_nor_deactivated()
    {
        var dana = User.Create(WorkspaceId, "dana@example.com", "Dana", UserRole.Owner, Now);
        var ruth = User.Create(WorkspaceId, "ruth@example.com", "Ruth", UserRole.Assistant, Now);
        var eve = User.Create(WorkspaceId, "eve@example.com", "Eve", UserRole.Owner, Now);
        List<User> team = [dana, ruth, eve];
        eve.DeactivateInTeam(dana, team, [], [], Now); // an inactive owner does not count

        Assert.Equal(User.LastOwner, Assert.Throws<DomainException>(() => dana.ChangeRole(UserRole.Assistant, team)).Message);
        Assert.Equal(User.LastOwner, Assert.Throws<DomainException>(() => dana.DeactivateInTeam(ruth, team, [], [], Now)).Message);
        Assert.Throws<DomainException>(() => ruth.DeactivateInTeam(ruth, team, [], [], Now));

        ruth.ChangeRole(UserRole.Owner, team);
        dana.ChangeRole(UserRole.Assistant, team);
        Assert.Equal((UserRole.Assistant, UserRole.Owner), (dana.Role, ruth.Role));
    }
}
