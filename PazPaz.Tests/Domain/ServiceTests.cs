using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class ServiceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1440)]
    public void A_duration_from_one_minute_to_a_day_is_fine(int minutes) =>
        Assert.Empty(Service.Problems("Massage", minutes, null));

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(1441)]
    [InlineData(null)]
    public void Other_durations_are_refused(int? minutes) =>
        Assert.Equal(["DefaultDurationMinutes"], Service.Problems("Massage", minutes, null).Keys);

    [Fact]
    public void A_name_is_required_and_at_most_255_characters()
    {
        Assert.Equal(["Name"], Service.Problems("  ", 60, null).Keys);
        Assert.Equal(["Name"], Service.Problems(new string('x', 256), 60, null).Keys);
    }

    [Fact]
    public void Create_trims_and_drops_an_empty_description()
    {
        var service = Service.Create(Guid.NewGuid(), "  Massage ", 60, "  ");
        Assert.Equal(("Massage", (string?)null, true), (service.Name, service.Description, service.IsActive));
    }

    [Fact]
    public void An_invalid_update_changes_nothing()
    {
        var service = Service.Create(Guid.NewGuid(), "Massage", 60);
        Assert.Throws<DomainException>(() => service.Update("Other", 0, null));
        Assert.Equal(("Massage", 60), (service.Name, service.DefaultDurationMinutes));
    }
}
