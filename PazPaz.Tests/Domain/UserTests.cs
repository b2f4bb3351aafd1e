using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class UserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid WorkspaceId = Guid.CreateVersion7();

    private static CalendarFeed FeedOf(User user, string hash) => CalendarFeed.Create(WorkspaceId, user.Id, new FeedSettings("PazPaz"), hash);

    [Fact]
    public void Deactivating_a_user_ends_their_sessions_and_revokes_their_feeds()
    {
        var user = User.Create(WorkspaceId, "dana@example.com", "Dana Levi", UserRole.Owner, Now);
        var stamp = user.SecurityStamp;
        CalendarFeed[] feeds = [FeedOf(user, "hash-1"), FeedOf(user, "hash-2")];

        user.Deactivate(feeds, [], Now);

        Assert.False(user.IsActive);
        Assert.NotEqual(stamp, user.SecurityStamp);
        Assert.All(feeds, f => Assert.Equal(Now, f.RevokedAt));

        user.Activate();
        Assert.All(feeds, f => Assert.True(f.IsRevoked)); // coming back does not bring an old feed URL back
    }

    [Fact]
    public void Another_users_feed_is_refused_and_nothing_changes()
    {
        var user = User.Create(WorkspaceId, "dana@example.com", "Dana Levi", UserRole.Owner, Now);
        var colleague = User.Create(WorkspaceId, "ruth@example.com", "Ruth Adler", UserRole.Assistant, Now);
        var mine = FeedOf(user, "hash-1");
        var theirs = FeedOf(colleague, "hash-2");

        Assert.Throws<ArgumentException>(() => user.Deactivate([mine, theirs], [], Now));

        Assert.True(user.IsActive);
        Assert.False(mine.IsRevoked);
        Assert.False(theirs.IsRevoked);
    }
}
