using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using PazPaz.Domain;
using PazPaz.Operations;

namespace PazPaz.Auth;

public static class AuthSetup
{
    public static IServiceCollection AddPazPazAuth(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var idle = TimeSpan.FromMinutes(configuration.GetSection("PazPaz").Get<PazPazOptions>()?.SessionIdleMinutes ?? 30);
        services.AddAuthentication("PazPaz")
            // One default scheme: a Bearer header means an API token, anything else the session cookie.
            .AddPolicyScheme("PazPaz", "Cookie or API token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthentication.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "pazpaz.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.ExpireTimeSpan = idle;
                o.SlidingExpiration = true;
                o.LoginPath = "/sign-in";
                o.AccessDeniedPath = "/error/403";
                o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
                o.Events.OnCheckSlidingExpiration = context =>
                {
                    if (LeavesSessionIdle.Applies(context.HttpContext)) context.ShouldRenew = false;
                    return Task.CompletedTask;
                };
                // The API answers 401/403, never a redirect to an HTML page.
                o.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => ApiOr(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);

        services.AddAuthorizationBuilder()
            .AddPolicy("PlatformAdmin", p => p.RequireClaim(PazPazClaims.PlatformAdmin, "true"));

        services.AddScoped<SignInThrottle>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<SignInLinks>();
        services.AddScoped<TwoFactorThrottle>();
        services.AddScoped<SecondFactor>();
        services.AddScoped<SessionEnding>();
        services.AddSingleton<SignInMail>();
        // Sends sign-in and invitation e-mails at once from the process that took the request; a worker takes no requests.
        if (Operations.ProcessRoles.Of(configuration).ServesRequests()) services.AddHostedService(s => s.GetRequiredService<SignInMail>());

        services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        if (!environment.IsDevelopment())
        {
            // Outside Development the antiforgery and TempData cookies are Secure, as the session cookie is.
            services.PostConfigure<AntiforgeryOptions>(o => o.Cookie = AlwaysSecureCookie.Like(o.Cookie));
            services.PostConfigure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o => o.Cookie = AlwaysSecureCookie.Like(o.Cookie));
        }
        services.Configure<ForwardedHeadersOptions>(o => ConfigureProxies(o, configuration.GetSection("PazPaz:KnownProxies").Get<string[]>() ?? []));
        return services;
    }

    /// <summary>Copies the authenticated identity, IP and user agent into <see cref="CurrentUser"/> for the wall and the audit trail.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var current = http.RequestServices.GetRequiredService<CurrentUser>();
        current.IpAddress = http.Connection.RemoteIpAddress?.ToString();
        current.UserAgent = http.Request.Headers.UserAgent.ToString();
        if (http.User.Identity?.IsAuthenticated == true)
        {
            current.SetFrom(http.User);
            current.Role = http.Items[RoleGate.RoleKey] as UserRole?;
            current.WorkspaceName = http.Items[SessionValidation.WorkspaceNameKey] as string;
        }
        await next(http);
    });

    /// <summary>
    /// Believes X-Forwarded-For and -Proto from the configured proxies only. With none configured the middleware is left
    /// out altogether: given an empty list, ASP.NET's would believe the headers from anybody.
    /// </summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count + options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>
    /// X-Forwarded-For and -Proto are believed only from the proxies in PazPaz:KnownProxies (IP addresses or CIDR
    /// ranges); with none listed, from nobody (ASP.NET's default trusts loopback, which must not be assumed). So the
    /// per-IP limits see the real client behind the proxy, and nobody else can pick the address they are counted under.
    /// </summary>
    public static void ConfigureProxies(ForwardedHeadersOptions options, IEnumerable<string> knownProxies)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in knownProxies.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            if (entry.Contains('/')) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            else options.KnownProxies.Add(System.Net.IPAddress.Parse(entry));
        }
        // A chain of known proxies is walked back to the first address that is not one of them.
        options.ForwardLimit = null;
    }

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A cookie always marked Secure. Not <c>SecurePolicy = Always</c>: with that, antiforgery refuses (500) every form
/// request that reaches the app as plain HTTP, such as <c>docker compose</c> on http://localhost or a TLS proxy not yet
/// listed in KnownProxies; the Secure flag alone is what keeps the cookie off unencrypted connections.
/// </summary>
public sealed class AlwaysSecureCookie : CookieBuilder
{
    public static AlwaysSecureCookie Like(CookieBuilder cookie) => new()
    {
        Name = cookie.Name, Path = cookie.Path, Domain = cookie.Domain, HttpOnly = cookie.HttpOnly, SameSite = cookie.SameSite,
        IsEssential = cookie.IsEssential, Expiration = cookie.Expiration, MaxAge = cookie.MaxAge, SecurePolicy = CookieSecurePolicy.SameAsRequest,
    };

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        var options = base.Build(context, expiresFrom);
        options.Secure = true;
        return options;
    }
}
