namespace PazPaz.Tests.Support;

/// <summary>
/// Waits for something the app does in the background (an e-mail sent just after the request, an outbox row updated) by
/// checking for it, never by sleeping a fixed time. The deadline only bounds a failing test; a passing one returns as
/// soon as the condition holds.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<Task<bool>> done, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline); // a bound on waiting, not a time the app reads
        while (!await done() && DateTime.UtcNow < until) await Task.Delay(20);
    }

    public static Task UntilAsync(Func<bool> done, TimeSpan? deadline = null) => UntilAsync(() => Task.FromResult(done()), deadline);
}
