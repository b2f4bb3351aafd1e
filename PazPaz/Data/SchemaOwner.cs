using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Auth;
using PazPaz.Security;

namespace PazPaz.Data;

/// <summary>
/// Two database roles, when <c>ConnectionStrings:Migrations</c> is set: an owner that applies the migrations and prepares
/// Hangfire's schema (it owns every table), and the app's login role (<c>ConnectionStrings:Default</c>), which may only
/// read and write rows. Only a table's owner (or a superuser) can ALTER it, DISABLE or DROP its triggers or TRUNCATE it,
/// so the app's role cannot switch off the audit trail's append-only trigger; on <c>audit_events</c> it may only INSERT
/// and SELECT. Without a Migrations connection string everything runs as one role, as before.
/// </summary>
public static class SchemaOwner
{
    public const string ConnectionName = "Migrations";
    public const string HangfireSchema = "hangfire";

    /// <summary>Arbitrary, fixed: instances starting together grant one at a time (concurrent GRANTs on one object fail).</summary>
    private const long GrantLock = 7_318_502_771;

    public static bool IsSeparate(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 };

    /// <summary>
    /// Applies pending migrations: through <paramref name="appDb"/> with one role, otherwise as the owner, who then prepares
    /// Hangfire's schema and (re)grants the app's role its rights, covering any table a migration added.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider scoped, PazPazDb appDb, CancellationToken cancellationToken = default)
    {
        var configuration = scoped.GetRequiredService<IConfiguration>();
        if (configuration.GetConnectionString(ConnectionName) is not { Length: > 0 } ownerConnection)
        {
            await appDb.Database.MigrateAsync(cancellationToken);
            return;
        }

        var options = new DbContextOptionsBuilder<PazPazDb>()
            .UseNpgsql(ownerConnection, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options;
        await using (var ownerDb = new PazPazDb(options, scoped.GetRequiredService<CurrentUser>(),
            scoped.GetRequiredService<FieldEncryptor>(), scoped.GetRequiredService<TimeProvider>()))
            await ownerDb.Database.MigrateAsync(cancellationToken);

        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync(cancellationToken);
        PostgreSqlObjectsInstaller.Install(connection, HangfireSchema);

        var appRole = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Default")).Username;
        var ownerRole = new NpgsqlConnectionStringBuilder(ownerConnection).Username;
        if (string.IsNullOrEmpty(appRole) || appRole == ownerRole) return; // one role after all: nothing to grant
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var grant = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({GrantLock}); {GrantsSql(appRole)}", connection, transaction))
            await grant.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Rows only: no TRUNCATE, REFERENCES or TRIGGER, and the app never owns a table. The default privileges cover tables a
    /// later migration (or Hangfire upgrade) creates as the owner, even before the app next starts and grants again.
    /// </summary>
    public static string GrantsSql(string appRole)
    {
        var app = Quote(appRole);
        var lines = new List<string>();
        foreach (var schema in new[] { "public", Quote(HangfireSchema) })
        {
            lines.Add($"GRANT USAGE ON SCHEMA {schema} TO {app};");
            lines.Add($"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app};");
            lines.Add($"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app};");
            lines.Add($"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};");
            lines.Add($"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app};");
        }
        // The audit trail is append-only for the app (its trigger also refuses UPDATE, DELETE and TRUNCATE, for the owner too);
        // the migrations history is the owner's to write, the app reads it for /readyz.
        lines.Add($"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM {app};");
        lines.Add($"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON __ef_migrations_history FROM {app};");
        return string.Join("\n", lines);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
