using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;

namespace PazPaz.Admin;

/// <summary>
/// The platform admin console's pages answer everyone else 404, as if there were nothing here (§1). Read from the
/// database on every request rather than from the sign-in claim, so taking the flag away works at once.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PlatformAdminOnlyAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        var current = services.GetRequiredService<CurrentUser>();
        var isAdmin = current.UserId is { } userId && await services.GetRequiredService<PazPazDb>().Users.IgnoreQueryFilters([PazPazDb.WallFilter])
            .AnyAsync(u => u.Id == userId && u.IsActive && u.IsPlatformAdmin, context.HttpContext.RequestAborted);
        if (!isAdmin)
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}
