using System.Diagnostics;
using System.Globalization;

namespace PazPaz.E2E.Support;

/// <summary>
/// The e2e app's clock (it replaces <see cref="TimeProvider.System"/> in the app under test; the product has no such
/// setting). It runs at the speed of real time from the suite's instant — <c>PAZPAZ_TEST_NOW</c> (set by
/// <c>./test.sh --at …</c>), else the machine's — so the demo practice is seeded around it and every journey that does
/// not choose its own instant runs at it. A journey that is about a moment of the day moves the clock there with
/// <see cref="Set"/>; the next journey starts back on the suite's timeline. Timers and timestamps stay real.
/// </summary>
public sealed class TestClock : TimeProvider
{
    public const string Variable = "PAZPAZ_TEST_NOW";

    private readonly object gate = new();
    private readonly DateTimeOffset suiteStart;
    private readonly long suiteStartedAt = Stopwatch.GetTimestamp();
    private (DateTimeOffset Instant, long At)? chosen;

    public TestClock(DateTimeOffset suiteStart) => this.suiteStart = suiteStart.ToUniversalTime();

    /// <summary>The suite's instant, whatever a journey has set the clock to since.</summary>
    public DateTimeOffset SuiteStart => suiteStart;

    /// <summary>The instant the suite runs at: <c>PAZPAZ_TEST_NOW</c> (ISO 8601 with an offset) or the machine's time.</summary>
    public static DateTimeOffset SuiteInstant()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value)) return TimeProvider.System.GetUtcNow();
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            throw new InvalidOperationException($"{Variable}='{value}' is not an instant; write e.g. 2026-03-27T01:30:00+02:00.");
        return instant;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return chosen is { } c
                ? c.Instant + Stopwatch.GetElapsedTime(c.At)
                : suiteStart + Stopwatch.GetElapsedTime(suiteStartedAt);
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>From now on "now" is <paramref name="instant"/>, running on.</summary>
    public void Set(DateTimeOffset instant)
    {
        lock (gate) chosen = (instant.ToUniversalTime(), Stopwatch.GetTimestamp());
    }

    /// <summary>Back to the suite's timeline, as if no journey had moved the clock.</summary>
    public void Reset()
    {
        lock (gate) chosen = null;
    }
}
