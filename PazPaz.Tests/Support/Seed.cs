using PazPaz.Domain;

namespace PazPaz.Tests.Support;

/// <summary>Builds test data directly through the DbContext (outside the wall, as the operator would).</summary>
public static class Seed
{
    public sealed record Practice(Workspace Workspace, User Owner);

    public static Task<Practice> PracticeAsync(this PazPazApp app, string name = "Sea Breeze Massage", string email = "dana@example.com",
        string timeZone = "Europe/London") =>
        app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow();
            var workspace = Workspace.Create(name, timeZone, now);
            var owner = User.Create(workspace.Id, email, "Dana Levi", UserRole.Owner, now);
            db.AddRange(workspace, owner);
            await db.SaveChangesAsync();
            return new Practice(workspace, owner);
        });

    public static Task<Client> ClientAsync(this PazPazApp app, Guid workspaceId, string first = "Noa", string last = "Cohen") =>
        app.WithDbAsync(async db =>
        {
            var client = Client.Create(workspaceId, first, last);
            db.Add(client);
            await db.SaveChangesAsync();
            return client;
        });
}
