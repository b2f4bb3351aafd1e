using Microsoft.EntityFrameworkCore;
using PazPaz.Data;

namespace PazPaz.Auth;

/// <summary>
/// Fixed-window counters in PostgreSQL (<c>sign_in_counters</c>), so every app instance spends one budget: the sign-in
/// and two-step limits count here. The daily job forgets old windows (<see cref="SignInThrottle.PurgeAsync"/>).
/// </summary>
public static class RateCounters
{
    /// <summary>The start of the window of <paramref name="length"/> that <paramref name="now"/> falls in.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now, TimeSpan length) => new(now.UtcTicks - now.UtcTicks % length.Ticks, TimeSpan.Zero);

    /// <summary>Adds one to <paramref name="key"/>'s count in the window and returns the new count (one upsert).</summary>
    public static async Task<int> IncrementAsync(PazPazDb db, string key, DateTimeOffset window, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<int>($"""
            INSERT INTO sign_in_counters (key, window_start, count) VALUES ({key}, {window}, 1)
            ON CONFLICT (key, window_start) DO UPDATE SET count = sign_in_counters.count + 1
            RETURNING count AS "Value"
            """).ToListAsync(cancellationToken)).Single();

    public static Task<int> ReadAsync(PazPazDb db, string key, DateTimeOffset window, CancellationToken cancellationToken) =>
        db.SignInCounters.Where(c => c.Key == key && c.WindowStart == window).Select(c => c.Count).FirstOrDefaultAsync(cancellationToken);
}
