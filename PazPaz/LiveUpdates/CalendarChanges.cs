using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace PazPaz.LiveUpdates;

/// <summary>
/// This app instance's fan-out of "a practice's calendar changed", fed by <see cref="CalendarChangeListener"/> and read by
/// the open streams. Each subscriber holds a one-slot channel: a burst of changes folds into one wake-up, and a slow
/// reader never holds up the others.
/// <para>
/// A <em>mark</em> ("epoch-position") says how far this instance had heard of one practice's changes when a page was drawn
/// or an event sent. A stream opened (or reopened) with a mark learns at once whether it missed something. The position
/// counts that practice's changes only, so a user watching their marks learns nothing of other practices' activity (one
/// counter for the whole instance would let them count everyone's changes). The epoch is random and changes whenever the
/// listener reconnects, because changes made while it was away were never heard; a mark of another epoch (or another
/// instance) therefore always counts as "maybe missed".
/// </para>
/// </summary>
public sealed class CalendarChanges
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> subscribers = new();
    private readonly Dictionary<Guid, long> changesOf = new(); // this epoch's changes heard per workspace; guarded by gate
    private readonly Lock gate = new();
    private string epoch = NewEpoch();

    /// <summary>True while the listener holds a LISTEN connection.</summary>
    public bool IsListening { get; private set; }

    /// <summary>How far this instance has heard of <paramref name="workspaceId"/>'s changes: the id a stream sends, the <c>since</c> a page passes.</summary>
    public string MarkOf(Guid workspaceId)
    {
        lock (gate) return $"{epoch}-{changesOf.GetValueOrDefault(workspaceId)}";
    }

    public Subscription Subscribe(Guid workspaceId)
    {
        var subscription = new Subscription(this, workspaceId);
        subscribers.GetOrAdd(workspaceId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Whether <paramref name="workspaceId"/> may have changed after <paramref name="mark"/> was taken.</summary>
    public bool ChangedSince(Guid workspaceId, string mark)
    {
        var dash = mark.LastIndexOf('-');
        lock (gate)
        {
            if (dash <= 0 || mark[..dash] != epoch || !long.TryParse(mark[(dash + 1)..], out var seen)) return true;
            return seen != changesOf.GetValueOrDefault(workspaceId); // behind, or a mark this instance never gave out
        }
    }

    /// <summary>A change notified for <paramref name="workspaceId"/>: wake its subscribers.</summary>
    public void Publish(Guid workspaceId)
    {
        lock (gate) changesOf[workspaceId] = changesOf.GetValueOrDefault(workspaceId) + 1;
        if (subscribers.TryGetValue(workspaceId, out var set))
            foreach (var subscription in set.Keys) subscription.Wake();
    }

    /// <summary>The listener is (again) connected: anything might have changed while it was not, so everyone refreshes.</summary>
    public void Connected()
    {
        lock (gate)
        {
            epoch = NewEpoch();
            changesOf.Clear(); // every mark of the old epoch counts as "maybe missed" anyway
            IsListening = true;
        }
        foreach (var set in subscribers.Values)
            foreach (var subscription in set.Keys) subscription.Wake();
    }

    public void Disconnected()
    {
        lock (gate) IsListening = false;
    }

    private void Remove(Subscription subscription)
    {
        if (subscribers.TryGetValue(subscription.WorkspaceId, out var set)) set.TryRemove(subscription, out _);
    }

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public sealed class Subscription(CalendarChanges owner, Guid workspaceId) : IDisposable
    {
        private readonly Channel<bool> wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

        public Guid WorkspaceId { get; } = workspaceId;

        /// <summary>Waits for the next change (or burst of changes) and consumes it.</summary>
        public async ValueTask WaitAsync(CancellationToken cancellationToken)
        {
            await wakeUps.Reader.WaitToReadAsync(cancellationToken);
            while (wakeUps.Reader.TryRead(out _)) { }
        }

        internal void Wake() => wakeUps.Writer.TryWrite(true);

        public void Dispose() => owner.Remove(this);
    }
}
