using System.Threading.Channels;

namespace PazPaz.Tests.Support;

/// <summary>One server-sent-events message: an event (with its name, id and data), an id or retry alone, or a comment.</summary>
public sealed record SseMessage(string? Event, string? Id, string? Data, string? Retry, string? Comment)
{
    public bool IsEvent => Data is not null;
}

/// <summary>
/// A text/event-stream response read as it arrives (TestServer streams responses too), parsed into messages on a
/// background loop so tests can wait for the next one with a timeout.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly Channel<SseMessage> messages = Channel.CreateUnbounded<SseMessage>();
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        this.response = response;
        reading = Task.Run(() => ReadAsync(body));
    }

    public HttpResponseMessage Response => response;

    /// <summary>GETs <paramref name="url"/> and returns as soon as the headers are in; fails unless it is 200 text/event-stream.</summary>
    public static async Task<EventStream> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next message of any kind, or null when none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseMessage?> NextAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            return await messages.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>The next event (skipping comments and id-only messages), or null when none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseMessage?> NextEventAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var message = await NextAsync(until - DateTime.UtcNow);
            if (message is null) return null;
            if (message.IsEvent) return message;
        }
        return null;
    }

    /// <summary>Completes when the server has ended the stream.</summary>
    public Task Ended => reading;

    private async Task ReadAsync(Stream body)
    {
        try
        {
            using var reader = new StreamReader(body);
            string? name = null, id = null, data = null, retry = null, comment = null;
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null || id is not null || data is not null || retry is not null || comment is not null)
                        await messages.Writer.WriteAsync(new SseMessage(name, id, data, retry, comment));
                    name = id = data = retry = comment = null;
                    continue;
                }
                if (line.StartsWith(':')) { comment = line[1..].Trim(); continue; }
                var colon = line.IndexOf(':');
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "event": name = value; break;
                    case "id": id = value; break;
                    case "data": data = data is null ? value : data + "\n" + value; break;
                    case "retry": retry = value; break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException ||
                                  (e is InvalidOperationException && stop.IsCancellationRequested))
        {
            // Closed by the test or the server. TestServer's body stream throws InvalidOperationException ("reader was
            // completed") when the test disposes the response while a read is pending.
        }
        finally
        {
            messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        try { await reading.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
        stop.Dispose();
    }
}
