using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace PazPaz.Tests.Support;

/// <summary>
/// A real PostgreSQL for the tests: a Testcontainers server when Docker runs here, otherwise the server
/// ./test.sh started (PAZPAZ_TEST_PG, no database part).
/// </summary>
public static class TestDatabase
{
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
