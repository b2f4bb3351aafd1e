using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class LocationTests
{
    [Theory]
    [InlineData(LocationType.Clinic, "A clinic needs an address.")]
    [InlineData(LocationType.Home, "A home visit location needs an address.")]
    public void Clinics_and_home_visits_need_an_address(LocationType type, string message)
    {
        Assert.Equal(message, Location.Problems("Room", type, " ", null)["Address"]);
        Assert.Empty(Location.Problems("Room", type, "Herzl 1", null));
    }

    [Fact]
    public void An_online_location_needs_no_address()
    {
        Assert.Empty(Location.Problems("Video", LocationType.Online, null, "https://meet.example/x"));
        Assert.False(Location.NeedsAddress(LocationType.Online));
    }

    [Fact]
    public void A_missing_type_is_a_problem_of_its_own()
    {
        Assert.Equal(["LocationType"], Location.Problems("Room", null, null, null).Keys);
        Assert.Equal(["LocationType"], Location.Problems("Room", (LocationType)42, "x", null).Keys);
    }

    [Fact]
    public void An_invalid_update_changes_nothing()
    {
        var location = Location.Create(Guid.NewGuid(), "Video", LocationType.Online, null);
        Assert.Throws<DomainException>(() => location.Update("Video", LocationType.Clinic, null, null));
        Assert.Equal(LocationType.Online, location.LocationType);
    }
}
