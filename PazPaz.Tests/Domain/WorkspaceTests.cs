using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class WorkspaceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 23, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Only_the_owner_may_change_the_settings()
    {
        Assert.True(Workspace.SettingsChangeableBy(UserRole.Owner));
        Assert.False(Workspace.SettingsChangeableBy(UserRole.Assistant));
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("GMT Standard Time")]
    [InlineData("+02:00")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_iana_zones_are_accepted(string? zone) =>
        Assert.Equal(["TimeZone"], Workspace.Problems("Sea Breeze", zone).Keys);

    [Fact]
    public void A_name_is_required()
    {
        Assert.Equal(["Name"], Workspace.Problems(" ", "Europe/London").Keys);
        var workspace = Workspace.Create("Sea Breeze", "Europe/London", Now);
        Assert.Throws<DomainException>(() => workspace.Rename(""));
        Assert.Equal("Sea Breeze", workspace.Name);
    }

    [Fact]
    public void Today_is_the_date_at_the_practice()
    {
        Assert.Equal(new DateOnly(2026, 3, 10), Workspace.Create("London", "Europe/London", Now).Today(Now));
        Assert.Equal(new DateOnly(2026, 3, 11), Workspace.Create("Tel Aviv", "Asia/Jerusalem", Now).Today(Now));
    }
}
