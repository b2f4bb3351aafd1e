using Npgsql;

namespace PazPaz.Security;

/// <summary>
/// The batch both <see cref="KeyRotation"/> and <c>Data.PlaintextEncryption</c> run over encrypted text columns: the next
/// rows after a key that match a condition, locked, each value rewritten, in one short transaction. The app keeps serving
/// meanwhile, and an edit made at the same moment waits for the batch instead of being overwritten.
/// </summary>
public static class ColumnRewrite
{
    public const int BatchSize = 500;

    /// <summary>
    /// One batch of <paramref name="table"/> after <paramref name="after"/> in <paramref name="key"/> order, where
    /// <paramref name="condition"/> holds: the last key looked at and the rows rewritten, or a null key when done.
    /// </summary>
    public static async Task<(Guid? Last, int Count)> BatchAsync(NpgsqlConnection connection, string table, string key, string[] columns,
        string condition, Func<string?, string?> rewrite, Guid after, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(Guid Id, string?[] Values)>();
        await using (var select = new NpgsqlCommand(
            $"SELECT {key}, {string.Join(", ", columns)} FROM {table} WHERE {key} > @after AND ({condition}) ORDER BY {key} LIMIT {BatchSize} FOR UPDATE",
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
            var command = new NpgsqlBatchCommand($"UPDATE {table} SET {assignments} WHERE {key} = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            foreach (var value in values)
                command.Parameters.Add(new NpgsqlParameter<string?> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, TypedValue = rewrite(value) });
            batch.BatchCommands.Add(command);
        }
        await using (batch) await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (rows[^1].Id, rows.Count);
    }

    /// <summary>Runs <see cref="BatchAsync"/> until no row is left; answers how many rows were rewritten.</summary>
    public static async Task<int> AllAsync(NpgsqlConnection connection, string table, string key, string[] columns, string condition,
        Func<string?, string?> rewrite, CancellationToken cancellationToken)
    {
        var (rewritten, after) = (0, Guid.Empty);
        while (await BatchAsync(connection, table, key, columns, condition, rewrite, after, cancellationToken) is ({ } last, var count))
            (rewritten, after) = (rewritten + count, last);
        return rewritten;
    }
}
