using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PazPaz.Operations;

namespace PazPaz.Calendar;

/// <summary>
/// The last body built for each feed, kept with its ETag. Google and Outlook often fetch without If-None-Match, so an
/// unchanged feed is answered from here instead of being queried and written again. Equal ETags mean equal bytes (the
/// ETag covers everything the body shows), so a stale body is never served. Bounded in size; 0 MB turns it off.
/// </summary>
public sealed class FeedBodyCache(IOptions<PazPazOptions> options) : IDisposable
{
    private sealed record Entry(string ETag, byte[] Body);

    private readonly MemoryCache? cache = options.Value.FeedCacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.FeedCacheMegabytes * 1024L * 1024L })
        : null;

    public byte[]? Find(Guid feedId, string etag) =>
        cache is not null && cache.TryGetValue(feedId, out Entry? entry) && entry!.ETag == etag ? entry.Body : null;

    /// <summary>Keeps a copy of <paramref name="body"/> (the caller's buffer is answered and dropped); nothing when the cache is off.</summary>
    public void Keep(Guid feedId, string etag, ReadOnlySpan<byte> body) =>
        cache?.Set(feedId, new Entry(etag, body.ToArray()), new MemoryCacheEntryOptions { Size = body.Length, SlidingExpiration = TimeSpan.FromHours(3) });

    public void Dispose() => cache?.Dispose();
}
