using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Security;

namespace PazPaz.Data;

/// <summary>
/// Encrypts the client and appointment values written before those columns were encrypted (migration
/// <c>EncryptClientIdentity</c> turned them into text and left the values as they were). It runs once at start-up in the
/// background and as <c>admin encrypt-fields</c>, in batches of <see cref="BatchSize"/> rows, each its own short
/// transaction: the app keeps serving meanwhile, and the readers accept both forms (<see cref="FieldEncryptor.DecryptOrPlain"/>).
/// A value is plaintext when it does not start with "v&lt;digits&gt;:"; dates are ISO text, tags a JSON array, exactly what
/// the entity's converters encrypt. The rows are locked while a batch is rewritten, so an edit made at the same moment
/// waits for it instead of being overwritten, and nothing else about the row (updated_at, sequence, audit) changes.
/// </summary>
public sealed class PlaintextEncryption(PazPazDb db, FieldEncryptor encryptor)
{
    public const int BatchSize = 500;

    private static readonly (string Table, string[] Columns)[] Tables =
    [
        ("clients", ["first_name", "last_name", "email", "phone", "date_of_birth", "tags"]),
        ("appointments", ["notes", "location_details"]),
    ];

    /// <summary>Encrypts every plaintext value left; answers how many rows were rewritten, per table.</summary>
    public async Task<Dictionary<string, int>> RunAsync(CancellationToken cancellationToken)
    {
        var rewritten = new Dictionary<string, int>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            foreach (var (table, columns) in Tables)
            {
                rewritten[table] = 0;
                var after = Guid.Empty;
                while (await EncryptBatchAsync(connection, table, columns, after, cancellationToken) is ({ } last, var count))
                {
                    rewritten[table] += count;
                    after = last;
                }
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return rewritten;
    }

    /// <summary>One batch after <paramref name="after"/> in id order: the last id looked at and the rows rewritten, or a null id when done.</summary>
    private async Task<(Guid? Last, int Count)> EncryptBatchAsync(NpgsqlConnection connection, string table, string[] columns, Guid after,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var plaintext = string.Join(" OR ", columns.Select(c => $"{c} !~ '^v[0-9]+:'"));
        var rows = new List<(Guid Id, string?[] Values)>();
        await using (var select = new NpgsqlCommand(
            $"SELECT id, {string.Join(", ", columns)} FROM {table} WHERE id > @after AND ({plaintext}) ORDER BY id LIMIT {BatchSize} FOR UPDATE",
            connection, transaction))
        {
            select.Parameters.AddWithValue("after", after);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetGuid(0), columns.Select((_, i) => reader.IsDBNull(i + 1) ? null : reader.GetString(i + 1)).ToArray()));
        }
        if (rows.Count == 0) return (null, 0);

        var batch = new NpgsqlBatch(connection, transaction);
        var assignments = string.Join(", ", columns.Select((c, i) => $"{c} = ${i + 2}"));
        foreach (var (id, values) in rows)
        {
            var command = new NpgsqlBatchCommand($"UPDATE {table} SET {assignments} WHERE id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            foreach (var value in values)
                command.Parameters.Add(new NpgsqlParameter<string?>
                {
                    NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
                    TypedValue = value is null || FieldEncryptor.LooksEncrypted(value) ? value : encryptor.Encrypt(value),
                });
            batch.BatchCommands.Add(command);
        }
        await using (batch) await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (rows[^1].Id, rows.Count);
    }
}

/// <summary>Runs <see cref="PlaintextEncryption"/> once, in the background, when the app or the worker starts.</summary>
public sealed class PlaintextEncryptionAtStartup(IServiceScopeFactory scopes, ILogger<PlaintextEncryptionAtStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var rewritten = await scope.ServiceProvider.GetRequiredService<PlaintextEncryption>().RunAsync(stoppingToken);
            if (rewritten.Values.Sum() > 0)
                logger.LogInformation("Encrypted the plaintext personal fields of {Clients} clients and {Appointments} appointments.",
                    rewritten["clients"], rewritten["appointments"]);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (DbException e)
        {
            // Not fatal: the values stay readable, and the next start (or admin encrypt-fields) finishes the work.
            logger.LogWarning(e, "Encrypting plaintext personal fields stopped; it resumes at the next start.");
        }
    }
}
