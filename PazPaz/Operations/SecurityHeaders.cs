namespace PazPaz.Operations;

public static class SecurityHeaders
{
    /// <summary>No inline script, no eval, nothing from other hosts; htmx and site.js come from /lib and /js.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The Hangfire dashboard at /admin/jobs (platform admins only): its bundled charts inject a &lt;style&gt; element, which
    /// the strict policy blocks (checked in Chromium), so those pages alone allow inline styles; its scripts are files, so
    /// script-src stays strict there too.
    /// </summary>
    public const string JobsDashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(Notifications.NotificationsSetup.DashboardPath)
            ? JobsDashboardPolicy
            : ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        await next(http);
    });

    /// <summary>
    /// <c>Cache-Control: no-store</c> on every answer to a signed-in user or API token (pages, fragments, JSON), so no
    /// browser or proxy cache keeps health data. Decided when the answer starts, after authorization has run; an answer
    /// that already says no-store (files: <c>private, no-store</c>) keeps its own.
    /// </summary>
    public static IApplicationBuilder UseNoStoreWhenSignedIn(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            if (http.User.Identity?.IsAuthenticated == true &&
                !http.Response.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase))
                http.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next(http);
    });
}
