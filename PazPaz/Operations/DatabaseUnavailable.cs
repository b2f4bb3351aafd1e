using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Api;

namespace PazPaz.Operations;

/// <summary>
/// While PostgreSQL cannot be reached (down, restarting, refusing connections), every request that needs it answers
/// 503 with Retry-After, as /readyz does: the API with problem details, pages with a plain page that needs neither the
/// database nor the layout (which reads the practice's name). Anything else stays a 500.
/// </summary>
public sealed class DatabaseUnavailable(IProblemDetailsService problems, ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 10;

    /// <summary>admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is "connection exception".</summary>
    private static readonly HashSet<string> UnavailableStates = ["57P01", "57P02", "57P03", "53300"];

    /// <summary>Whether <paramref name="exception"/> (or one it wraps, as EF and DataProtection do) means the database cannot be reached.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return UnavailableStates.Contains(postgres.SqlState) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException npgsql when npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the request's own database connection broke: when PostgreSQL shuts down in the middle of a transaction,
    /// Npgsql completes the transaction and the request's next command fails with "Transaction is already completed"
    /// (an <see cref="InvalidOperationException"/>, not a connection error) — the cause is still the database going away.
    /// </summary>
    private static bool ConnectionBroke(HttpContext http) =>
        http.RequestServices.GetService<Data.PazPazDb>() is { } db &&
        db.Database.GetDbConnection() is NpgsqlConnection { FullState: var state } && state.HasFlag(System.Data.ConnectionState.Broken);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!Is(exception) && !ConnectionBroke(http)) return false;
        logger.LogWarning("The database is unreachable: {Method} {Path} answered 503 ({Error})", http.Request.Method, http.Request.Path, exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ApiSetup.IsApiRequest(http))
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = new()
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The service is temporarily unavailable.",
                    Detail = $"The database cannot be reached; try again in {RetryAfterSeconds} seconds.",
                },
            });
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Page, cancellationToken);
        return true;
    }

    private const string Page = $$"""
        <!DOCTYPE html>
        <html lang="en" class="h-full bg-slate-50">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Temporarily unavailable · PazPaz</title>
            <link rel="stylesheet" href="/css/app.css" />
            <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        </head>
        <body class="h-full text-slate-800 antialiased">
        <main id="main" class="mx-auto mt-16 max-w-md px-4 text-center">
            <p class="text-sm font-semibold text-brand-700">503</p>
            <h1 class="mt-2 text-2xl font-semibold text-slate-900">PazPaz is temporarily unavailable</h1>
            <p class="mt-3 text-slate-600">We cannot reach our records right now. Nothing you saved before was lost; please try again in a minute.</p>
            <a href="/" class="btn mt-8 inline-block">Try again</a>
        </main>
        </body>
        </html>
        """;
}
