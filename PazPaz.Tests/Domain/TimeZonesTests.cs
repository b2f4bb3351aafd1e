using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class TimeZonesTests
{
    [Theory]
    [InlineData("Asia/Jerusalem", true)]
    [InlineData("Europe/London", true)]
    [InlineData("America/New_York", true)]
    [InlineData("Mars/Olympus", false)]
    [InlineData("", false)]
    [InlineData("+02:00", false)]
    public void Only_iana_zones_are_valid(string id, bool valid) => Assert.Equal(valid, TimeZones.IsValid(id));

    [Fact]
    public void A_time_in_the_spring_forward_gap_becomes_the_first_valid_minute_after()
    {
        // Europe/London jumps from 01:00 to 02:00 on 2026-03-29.
        var utc = TimeZones.ToUtc(new DateTime(2026, 3, 29, 1, 30, 0), TimeZones.Find("Europe/London"));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), utc);
    }

    [Fact]
    public void A_repeated_fall_back_time_takes_its_first_occurrence()
    {
        // America/New_York repeats 01:00–02:00 on 2026-11-01; the first 01:30 is EDT (UTC-4).
        var utc = TimeZones.ToUtc(new DateTime(2026, 11, 1, 1, 30, 0), TimeZones.Find("America/New_York"));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), utc);
    }

    [Fact]
    public void An_ordinary_time_uses_the_offset_of_that_day()
    {
        var zone = TimeZones.Find("Asia/Jerusalem");
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 7, 0, 0, TimeSpan.Zero), TimeZones.ToUtc(new DateTime(2026, 1, 15, 9, 0, 0), zone));
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 6, 0, 0, TimeSpan.Zero), TimeZones.ToUtc(new DateTime(2026, 7, 15, 9, 0, 0), zone));
    }
}
