using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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

        services.AddSingleton<SignInThrottle>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<SignInLinks>();
        services.AddSingleton<TwoFactorThrottle>();
        services.AddScoped<SecondFactor>();
        return services;
    }

    /// <summary>Copies the authenticated identity, IP and user agent into <see cref="CurrentUser"/> for the wall and the audit trail.</summary>
    public static IApplicationBuilder UseCurrentUser(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var current = http.RequestServices.GetRequiredService<CurrentUser>();
        current.IpAddress = http.Connection.RemoteIpAddress?.ToString();
        current.UserAgent = http.Request.Headers.UserAgent.ToString();
        if (http.User.Identity?.IsAuthenticated == true) current.SetFrom(http.User);
        await next(http);
    });

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
