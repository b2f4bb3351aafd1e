using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace PazPaz.Tests.Support;

/// <summary>
/// A stand-in OpenTelemetry collector (OTLP over HTTP, protobuf): keeps every body it receives and answers 200. Protobuf
/// keeps strings as UTF-8 bytes, so a test can look for text in what the app exported.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<byte[]> bodies = new();
    private readonly Task serving;

    public string Url { get; }

    public OtlpSink()
    {
        var port = SmtpApp.ClosedPort();
        Url = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    /// <summary>Everything received so far, as text (Latin-1: one char per byte, so ASCII text is found as written).</summary>
    public string Received() => string.Concat(bodies.Select(b => Encoding.Latin1.GetString(b)));

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            bodies.Enqueue(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
    }
}
