using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;
using PazPaz.Domain;
using PazPaz.Scheduling;

namespace PazPaz.Tests.Support;

/// <summary>People and appointments for the notification tests, written the way the app writes them.</summary>
public static class Practices
{
    public static Task<User> AssistantAsync(this PazPazApp app, Guid workspaceId, string email = "ruth@example.com", string name = "Ruth Adler") =>
        app.WithDbAsync(async db =>
        {
            var user = User.Create(workspaceId, email, name, UserRole.Assistant, app.Clock.GetUtcNow());
            db.Add(user);
            await db.SaveChangesAsync();
            return user;
        });

    /// <summary>Runs <paramref name="work"/> with <see cref="Booking"/> as a signed-in user's page request does.</summary>
    public static async Task<T> AsUserAsync<T>(this PazPazApp app, User user, Func<Booking, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Set(user.Id, user.WorkspaceId);
        return await work(scope.ServiceProvider.GetRequiredService<Booking>());
    }

    public static async Task<Appointment> BookAsync(this PazPazApp app, User user, Guid clientId, DateTimeOffset start, int minutes = 60)
    {
        var result = await app.AsUserAsync(user, booking => booking.BookAsync(new NewAppointment(clientId, start, start.AddMinutes(minutes)), allowConflict: true));
        return Assert.IsType<BookingResult.Saved>(result).Appointment;
    }
}

public static class WallFreeQueries
{
    /// <summary>Reads across the workspace wall, as operators and jobs do.</summary>
    public static IQueryable<T> IgnoreWall<T>(this Microsoft.EntityFrameworkCore.DbSet<T> set) where T : class =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(set, [PazPaz.Data.PazPazDb.WallFilter]);
}
