using System.Globalization;

namespace PazPaz.Tests.Support;

/// <summary>
/// Where the integration tests' fake clock starts: PAZPAZ_TEST_NOW (an ISO 8601 instant with its offset, set by
/// <c>./test.sh --at</c>) so the suite can run at any chosen instant, else a fixed default.
/// </summary>
public static class TestClock
{
    public const string Variable = "PAZPAZ_TEST_NOW";
    public static readonly DateTimeOffset Default = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Start => Parse(Environment.GetEnvironmentVariable(Variable));

    public static DateTimeOffset Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        // An instant without an offset would depend on the machine's zone, so it is refused like any other bad value.
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            && parsed.Kind != DateTimeKind.Unspecified)
            return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture).ToUniversalTime();
        throw new InvalidOperationException(
            $"{Variable}='{value}' is not an instant: use ISO 8601 with an offset, e.g. 2026-03-27T01:30:00+02:00.");
    }
}
