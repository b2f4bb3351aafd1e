using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PazPaz.Operations;

namespace PazPaz.Files;

/// <summary>
/// Uploads per user per minute (§10), a sliding window kept in memory and read on the app's clock: generous enough for a
/// therapist dropping a folder of scans, tight enough that a stuck script or a stolen token cannot fill the practice's
/// storage in a moment. Attempts count, refused ones too: the check comes before the body is read.
/// </summary>
public sealed class UploadThrottle(IOptions<PazPazOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, Queue<DateTimeOffset>> recent = new();

    /// <summary>Null when the upload may go ahead (and counts it); otherwise how long until it may.</summary>
    public TimeSpan? TryAcquire(Guid userId)
    {
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, options.Value.UploadsPerUserPerMinute);
        var times = recent.GetOrAdd(userId, _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            while (times.Count > 0 && times.Peek() <= now - Window) times.Dequeue();
            if (times.Count >= limit) return times.Peek() + Window - now;
            times.Enqueue(now);
        }
        if (recent.Count > 10_000) Sweep(now); // users who stopped uploading leave nothing behind
        return null;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (user, times) in recent)
            lock (times)
                if (times.Count == 0 || times.Last() <= now - Window) recent.TryRemove(user, out _);
    }
}
