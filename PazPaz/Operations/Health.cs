using Microsoft.EntityFrameworkCore;
using PazPaz.Data;

namespace PazPaz.Operations;

public static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        // Alive: the process answers. Ready: the database answers and has every migration.
        app.MapGet("/healthz", () => Results.Text("ok")).ExcludeFromDescription();
        app.MapGet("/readyz", async (PazPazDb db, CancellationToken cancellationToken) =>
        {
            try
            {
                if (!await db.Database.CanConnectAsync(cancellationToken))
                    return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
                return pending == 0
                    ? Results.Text("ready")
                    : Results.Text($"{pending} migration(s) pending", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).ExcludeFromDescription();
    }
}
