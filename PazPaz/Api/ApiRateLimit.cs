using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Operations;

namespace PazPaz.Api;

/// <summary>
/// Requests per minute to the API, counted per API token (and per user for the browser's own API calls), in fixed
/// one-minute windows on the app's clock. Every counted answer carries RateLimit-Limit, -Remaining and -Reset (seconds
/// until the window ends); beyond the limit it is 429 with Retry-After. Counted in memory, per app instance: a guard against
/// runaway integrations, not a secret's only defence (tokens are 256-bit), so it need not cost a database write per
/// request; with N instances behind a balancer a token may get up to N times the limit (README: sizing).
/// </summary>
public sealed class ApiRateLimit(IOptions<PazPazOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Window> windows = new();

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start = start;
        public int Count;
    }

    public readonly record struct Decision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

    /// <summary>Counts one request for <paramref name="key"/> and says whether it may go ahead.</summary>
    public Decision Acquire(string key)
    {
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, options.Value.ApiRequestsPerTokenPerMinute);
        var window = windows.GetOrAdd(key, _ => new Window(now));
        Decision decision;
        lock (window)
        {
            if (now >= window.Start + Length || now < window.Start) (window.Start, window.Count) = (now, 0);
            var reset = Math.Max(1, (int)Math.Ceiling((window.Start + Length - now).TotalSeconds));
            decision = window.Count >= limit
                ? new(false, limit, 0, reset)
                : new(true, limit, limit - ++window.Count, reset);
        }
        if (windows.Count > 10_000) Sweep(now); // tokens that went quiet leave nothing behind
        return decision;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, window) in windows)
            lock (window)
                if (now >= window.Start + Length) windows.TryRemove(key, out _);
    }

    /// <summary>Whom a request counts against: its API token, else its signed-in user; null for anonymous requests.</summary>
    public static string? KeyOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ApiTokenAuthentication.TokenIdClaim) is { } token ? "token:" + token
        : user.FindFirstValue(PazPazClaims.UserId) is { } id ? "user:" + id
        : null;
}

public static class ApiRateLimitSetup
{
    /// <summary>After authentication: the budget belongs to the token or user the request authenticated as.</summary>
    public static IApplicationBuilder UseApiRateLimit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!ApiSetup.IsApiRequest(http) || ApiRateLimit.KeyOf(http.User) is not { } key)
        {
            await next(http);
            return;
        }
        var decision = http.RequestServices.GetRequiredService<ApiRateLimit>().Acquire(key);
        // On every answer, errors included (the exception handler clears headers set before it runs).
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        if (decision.Allowed)
        {
            await next(http);
            return;
        }
        http.Response.Headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.",
            detail: $"At most {decision.Limit} API requests a minute per token; try again in {decision.ResetSeconds} s.").ExecuteAsync(http);
    });
}
