using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace PazPaz.Tests.Support;

/// <summary>
/// A real PostgreSQL for the tests: a Testcontainers server when Docker runs here, otherwise the server
/// ./test.sh started (PAZPAZ_TEST_PG, no database part). The server's superuser creates the databases, applies the
/// migrations (as ConnectionStrings:Migrations) and resets them; the app under test connects as <see cref="AppRole"/>,
/// as in production.
/// </summary>
public static class TestDatabase
{
    public const string AppRole = "pazpaz_app";
    private const string AppRolePassword = "pazpaz_app"; // a test server only

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? serverConnectionString;
    private static PostgreSqlContainer? container;

    public static async Task<string> CreateFreshAsync(string name)
    {
        var server = await ServerAsync();
        await using (var connection = new NpgsqlConnection(server + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return $"{server};Database={name}";
    }

    /// <summary>The app's login role on database <paramref name="name"/>: created once per server, granted by the migrations.</summary>
    public static async Task<string> AppConnectionStringAsync(string name)
    {
        var server = await ServerAsync();
        await using (var connection = new NpgsqlConnection(server + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"""
                DO $$ BEGIN
                  CREATE ROLE {AppRole} LOGIN PASSWORD '{AppRolePassword}';
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- there already, or another test run made it just now
                END $$
                """, connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Username = AppRole, Password = AppRolePassword };
        return builder.ConnectionString;
    }

    private static async Task<string> ServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (serverConnectionString is not null) return serverConnectionString;
            if (DockerLooksAvailable())
            {
                try
                {
                    container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                    await container.StartAsync();
                    var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = null };
                    return serverConnectionString = builder.ConnectionString;
                }
                catch (DockerUnavailableException)
                {
                    // A docker client without an engine: fall through to the local server.
                }
            }
            return serverConnectionString = Environment.GetEnvironmentVariable("PAZPAZ_TEST_PG") is { Length: > 0 } fromScript
                ? fromScript
                : "Host=127.0.0.1;Port=55432;Username=postgres";
        }
        finally
        {
            Gate.Release();
        }
    }

    private static bool DockerLooksAvailable() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");
}
