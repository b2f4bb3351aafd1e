using Microsoft.EntityFrameworkCore;
using PazPaz.Api;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Auth;

/// <summary>Marks a page model as part of an <see cref="Area"/> that <see cref="RolePolicy"/> guards.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresAttribute(Area area) : Attribute
{
    public Area Area { get; } = area;
}

/// <summary>
/// The one check of roles for pages and API alike: an endpoint that declares its <see cref="Area"/> (<see cref="RequiresAttribute"/>
/// on a page model, <see cref="Requires{TBuilder}"/> on an API route) is refused with 403 and the reason before its handler
/// runs — before it loads anything, so the answer says nothing about whether a record exists. Pages get the error page
/// with the reason; the API a problem document.
/// </summary>
public static class RoleGate
{
    public const string RoleKey = "pazpaz:role";
    public const string ReasonKey = "pazpaz:forbidden-reason";

    public static TBuilder Requires<TBuilder>(this TBuilder builder, Area area) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresAttribute(area));

    public static IApplicationBuilder UseRoleGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresAttribute>() is { } requires &&
            http.RequestServices.GetRequiredService<CurrentUser>() is { IsSignedIn: true } current &&
            await RoleAsync(current, http.RequestServices.GetRequiredService<PazPazDb>(), http.RequestAborted) is { } role &&
            RolePolicy.WhyNot(role, requires.Area) is { } reason)
        {
            await RefuseAsync(http, reason);
            return;
        }
        await next(http);
    });

    /// <summary>The signed-in user's role: from the request's session or token check, else read once and kept.</summary>
    public static async Task<UserRole?> RoleAsync(CurrentUser current, PazPazDb db, CancellationToken cancellationToken)
    {
        if (current.Role is null && current.UserId is { } userId)
            current.Role = await db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.Id == userId)
                .Select(u => (UserRole?)u.Role).FirstOrDefaultAsync(cancellationToken);
        return current.Role;
    }

    /// <summary>
    /// 403 with the reason: a problem document for the API; for pages, the status-code error page reads the reason.
    /// </summary>
    public static Task RefuseAsync(HttpContext http, string reason)
    {
        if (ApiSetup.IsApiRequest(http))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for your role.", detail: reason).ExecuteAsync(http);
        http.Items[ReasonKey] = reason;
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
