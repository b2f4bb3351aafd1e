using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Data;

/// <summary>
/// The app connects as a role that may read and write rows and nothing more (ConnectionStrings:Default); the migrations ran
/// as the owner (ConnectionStrings:Migrations). So a compromised app cannot switch off the audit trail's append-only trigger.
/// </summary>
public sealed class AppRoleTests(PazPazApp app) : AppTest(app)
{
    private async Task<NpgsqlConnection> AsAppAsync()
    {
        var connection = new NpgsqlConnection(App.AppConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> RunAsync(NpgsqlConnection connection, string sql, Guid? id = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is { } value) command.Parameters.AddWithValue("id", value);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task The_app_connects_as_its_own_role_which_owns_no_table()
    {
        await using var connection = await AsAppAsync();
        Assert.Equal(TestDatabase.AppRole, await RunAsync(connection, "SELECT current_user"));
        Assert.Equal(false, await RunAsync(connection, $"SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = '{TestDatabase.AppRole}'"));
        Assert.Equal(0L, await RunAsync(connection,
            "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'hangfire') AND tableowner = current_user"));
        var appUser = await App.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT current_user AS \"Value\"").SingleAsync());
        Assert.Equal(TestDatabase.AppRole, appUser); // the app under test, too
    }

    [Theory]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete")]
    [InlineData("ALTER TABLE audit_events DISABLE TRIGGER ALL")]
    [InlineData("DROP TRIGGER audit_events_no_update_or_delete ON audit_events")]
    [InlineData("DROP TRIGGER audit_events_no_truncate ON audit_events")]
    [InlineData("ALTER TABLE audit_events RENAME TO old_audit_events")]
    [InlineData("DROP TABLE audit_events")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("UPDATE audit_events SET action = 'read' WHERE id = @id")]
    [InlineData("DELETE FROM audit_events WHERE id = @id")]
    [InlineData("ALTER TABLE clients DISABLE TRIGGER ALL")]
    [InlineData("TRUNCATE clients")]
    [InlineData("CREATE TABLE public.sneaky (id int)")]
    [InlineData("SET session_replication_role = replica")] // would skip every trigger
    public async Task The_apps_role_cannot_weaken_the_audit_trail_or_change_the_schema(string sql)
    {
        var practice = await App.PracticeAsync();
        var audited = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().FirstAsync(a => a.WorkspaceId == practice.Workspace.Id));
        await using var connection = await AsAppAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(connection, sql, audited.Id));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        var still = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().SingleAsync(a => a.Id == audited.Id));
        Assert.Equal(audited.Action, still.Action);
    }

    [Fact]
    public async Task The_apps_role_can_append_to_the_audit_trail_and_read_it()
    {
        var practice = await App.PracticeAsync();
        await using var connection = await AsAppAsync();
        var id = Guid.NewGuid();

        await RunAsync(connection, $"""
            INSERT INTO audit_events (id, workspace_id, action, resource_type, occurred_at)
            VALUES (@id, '{practice.Workspace.Id}', 'read', 'Client', now())
            """, id);

        Assert.Equal("read", await RunAsync(connection, "SELECT action FROM audit_events WHERE id = @id", id));
        var saved = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().SingleAsync(a => a.Id == id));
        Assert.Equal(AuditAction.Read, saved.Action);
    }
}
