using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PazPaz.Operations;

/// <summary>The "PazPaz:Metrics" section: who may read /metrics.</summary>
public sealed class MetricsOptions
{
    /// <summary>IP addresses or CIDR ranges (e.g. 10.0.0.0/8) that may scrape without a token; an entry may list several, comma-separated.</summary>
    public string[] AllowedNetworks { get; set; } = [];
    /// <summary>A bearer token that opens /metrics from anywhere (Authorization: Bearer …); at least <see cref="MetricsAccess.MinimumTokenLength"/> characters.</summary>
    public string? Token { get; set; }
}

/// <summary>
/// Decides who may read /metrics: a peer in <see cref="MetricsOptions.AllowedNetworks"/> (the real client's address behind a
/// proxy listed in PazPaz:KnownProxies, as everywhere), or anyone presenting <see cref="MetricsOptions.Token"/>. Nothing
/// configured: nobody. Everyone else is answered as if there were no such page.
/// </summary>
public sealed class MetricsAccess
{
    public const int MinimumTokenLength = 32;
    private readonly IPNetwork[] networks;
    private readonly byte[]? tokenHash;

    public MetricsAccess(IOptions<MetricsOptions> options)
    {
        networks = Networks(options.Value.AllowedNetworks).Select(Parse).ToArray();
        tokenHash = options.Value.Token is { Length: > 0 } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())) : null;
    }

    public bool Allows(HttpContext http)
    {
        if (tokenHash is not null && http.Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            // Hashes are of equal length whatever was sent, so the comparison's time says nothing about the token.
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim())), tokenHash))
            return true;
        var peer = http.Connection.RemoteIpAddress;
        if (peer is null) return false;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        return networks.Any(n => n.Contains(peer));
    }

    internal static IEnumerable<string> Networks(IEnumerable<string>? entries) =>
        (entries ?? []).SelectMany(e => e.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0);

    /// <summary>As PazPaz:KnownProxies reads them: a CIDR range, or one address (a range of one).</summary>
    internal static IPNetwork Parse(string entry)
    {
        if (entry.Contains('/')) return IPNetwork.Parse(entry);
        var address = IPAddress.Parse(entry);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    /// <summary>Problems with the section, for <see cref="StartupCheck"/>.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        var options = configuration.GetSection("PazPaz:Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        foreach (var entry in Networks(options.AllowedNetworks))
        {
            string? problem = null;
            try { Parse(entry); }
            catch (Exception e) when (e is FormatException or ArgumentException) { problem = $"PazPaz__Metrics__AllowedNetworks: \"{entry}\" is neither an IP address nor a CIDR range (e.g. 10.0.0.0/8)."; }
            if (problem is not null) yield return problem;
        }
        if (options.Token is { Length: > 0 } token && token.Trim().Length < MinimumTokenLength)
            yield return $"PazPaz__Metrics__Token must be at least {MinimumTokenLength} characters (e.g. openssl rand -hex 32).";
    }
}

public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// /metrics in Prometheus's text format, before sessions, the role gate and the rate limits (none of which applies to a
    /// scraper); refused callers get the app's ordinary 404. Never cached.
    /// </summary>
    public static IApplicationBuilder UseMetricsEndpoint(this IApplicationBuilder app) =>
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: http => http.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase),
            path: null, optionsName: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
            {
                if (!http.RequestServices.GetRequiredService<MetricsAccess>().Allows(http))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                http.Response.OnStarting(() =>
                {
                    http.Response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                });
                await next(http);
            }));
}
