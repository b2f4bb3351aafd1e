namespace PazPaz.Tests.Support;

public class TestClockTests
{
    [Fact]
    public void An_instant_with_an_offset_is_where_the_clock_starts() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 26, 23, 30, 0, TimeSpan.Zero), TestClock.Parse("2026-03-27T01:30:00+02:00"));

    [Fact]
    public void No_instant_starts_the_clock_at_the_default() => Assert.Equal(TestClock.Default, TestClock.Parse(null));

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-03-27T01:30:00")]
    public void A_value_that_is_not_an_instant_with_an_offset_is_refused_by_name(string value) =>
        Assert.Contains(TestClock.Variable, Assert.Throws<InvalidOperationException>(() => TestClock.Parse(value)).Message);
}
