using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Data;
using PazPaz.Data.Configurations;
using PazPaz.Domain;
using PazPaz.Files;

namespace PazPaz.Security;

/// <summary>
/// Re-encrypts everything written under an older key version with the current one (Encryption:CurrentKeyVersion), so the
/// older key can then be removed: every encrypted column the model marks (<see cref="ModelConventions.EncryptedAnnotation"/>:
/// clients, appointments, session notes and their versions, file names, two-step secrets), the DataProtection keys that
/// sign cookies, and the stored files with their thumbnails.
/// <para>
/// Rows go in batches of <see cref="BatchSize"/> in key order, each batch one short transaction holding its rows' locks, so
/// the app keeps serving and an edit made meanwhile waits rather than being overwritten. Only the ciphertext changes: no
/// updated_at, sequence or audit event moves (the row's xmin does, so a form open across it reports a concurrent change).
/// It runs as the schema owner when ConnectionStrings:Migrations is set, because session_note_versions refuse every
/// UPDATE except the owner's re-encryption of their text. A file is re-encrypted into a temporary copy (ciphertext only)
/// that then replaces the stored object in one write, so a crash leaves either the old or the new file, both readable
/// while both keys are configured. Running it again resumes where it stopped; a run that finds nothing changes nothing.
/// </para>
/// </summary>
public sealed partial class KeyRotation(PazPazDb db, FieldEncryptor encryptor, FileVault vault, IConfiguration configuration)
{
    public const int BatchSize = ColumnRewrite.BatchSize;

    /// <summary>
    /// What one run rewrote: rows per table (values re-encrypted), DataProtection keys, and files (with thumbnails); and
    /// the values or files no configured key opens (damaged, or written under a key since lost), left as they are.
    /// </summary>
    public sealed record Report(Dictionary<string, int> Rows, int DataProtectionKeys, int Files, int Unreadable);

    private int unreadable;

    /// <summary>The encrypted columns of each table, from the model.</summary>
    public IReadOnlyList<(string Table, string Key, string[] Columns)> EncryptedColumns() =>
        db.Model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null && e.FindPrimaryKey() is { Properties.Count: 1 })
            .Select(e => (Table: e.GetTableName()!, Key: e.FindPrimaryKey()!.Properties[0].GetColumnName(),
                Columns: e.GetProperties().Where(p => p.FindAnnotation(ModelConventions.EncryptedAnnotation) is not null)
                    .Select(p => p.GetColumnName()).Order(StringComparer.Ordinal).ToArray()))
            .Where(t => t.Columns.Length > 0)
            .OrderBy(t => t.Table, StringComparer.Ordinal)
            .ToList();

    public async Task<Report> RunAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, int>();
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var (table, key, columns) in EncryptedColumns())
            rows[table] = await ColumnRewrite.AllAsync(connection, table, key, columns, Outdated(columns), Reencrypted, cancellationToken);
        var keys = await RewriteDataProtectionKeysAsync(connection, cancellationToken);
        var files = await RewriteFilesAsync(cancellationToken);
        return new Report(rows, keys, files, unreadable);
    }

    /// <summary>Values (and files) still under another version than the current one: 0 everywhere once a run has finished.</summary>
    public async Task<int> CountOutdatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var outdated = 0;
        foreach (var (table, _, columns) in EncryptedColumns())
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {Outdated(columns)}", connection);
            outdated += (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var keys = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection))
        await using (var reader = await keys.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                outdated += EncryptedValue().Matches(reader.GetString(0)).Count(m => !IsCurrent(m.Groups["value"].Value));
        foreach (var storageKey in await StoredFilesAsync(cancellationToken))
            if (await vault.KeyVersionAsync(storageKey, cancellationToken) is { } version && version != encryptor.CurrentKeyVersion) outdated++;
        return outdated;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(configuration.GetConnectionString(SchemaOwner.ConnectionName) is { Length: > 0 } owner
            ? owner : db.Database.GetConnectionString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private string CurrentPrefix => $"v{encryptor.CurrentKeyVersion}:";
    private bool IsCurrent(string stored) => stored.StartsWith(CurrentPrefix, StringComparison.Ordinal);

    /// <summary>A value not yet under the current key: an older version, or plaintext left from before a column was encrypted.</summary>
    private string Outdated(string[] columns) =>
        string.Join(" OR ", columns.Select(c => $"({c} IS NOT NULL AND left({c}, {CurrentPrefix.Length}) <> '{CurrentPrefix}')"));

    /// <summary>
    /// The value under the current key: decrypted with its own version and encrypted again; plaintext is encrypted. A value
    /// no configured key opens stays as it is (counted in <see cref="Report.Unreadable"/>): the run goes on with the rest.
    /// </summary>
    private string? Reencrypted(string? stored)
    {
        if (stored is null || IsCurrent(stored)) return stored;
        if (!FieldEncryptor.LooksEncrypted(stored)) return encryptor.Encrypt(stored);
        try
        {
            return encryptor.Encrypt(encryptor.Decrypt(stored));
        }
        catch (CryptographicException)
        {
            unreadable++;
            return stored;
        }
    }

    /// <summary>The DataProtection key ring's XML holds its secret as one encrypted value (FieldKeyXmlEncryptor).</summary>
    private async Task<int> RewriteDataProtectionKeysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var outdated = new List<(int Id, string Xml)>();
        await using (var select = new NpgsqlCommand("SELECT id, xml FROM data_protection_keys ORDER BY id FOR UPDATE", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                if (EncryptedValue().Matches(reader.GetString(1)).Any(m => !IsCurrent(m.Groups["value"].Value)))
                    outdated.Add((reader.GetInt32(0), reader.GetString(1)));
        foreach (var (id, xml) in outdated)
        {
            var rewritten = EncryptedValue().Replace(xml, m => $"<value>{Reencrypted(m.Groups["value"].Value)}</value>");
            await using var update = new NpgsqlCommand("UPDATE data_protection_keys SET xml = @xml WHERE id = @id", connection, transaction);
            update.Parameters.AddWithValue("xml", rewritten);
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return outdated.Count;
    }

    [GeneratedRegex("<value>(?<value>v[0-9]+:[A-Za-z0-9+/=]+)</value>")]
    private static partial Regex EncryptedValue();

    /// <summary>Every stored object: the files not yet purged and their thumbnails.</summary>
    private async Task<List<string>> StoredFilesAsync(CancellationToken cancellationToken)
    {
        var files = await db.Attachments.IgnoreQueryFilters().AsNoTracking().OrderBy(a => a.Id)
            .Select(a => new { a.StorageKey, a.HasThumbnail }).ToListAsync(cancellationToken);
        return files.SelectMany(f => f.HasThumbnail ? new[] { f.StorageKey, f.StorageKey + Attachment.ThumbnailSuffix } : [f.StorageKey]).ToList();
    }

    private async Task<int> RewriteFilesAsync(CancellationToken cancellationToken)
    {
        var rewritten = 0;
        foreach (var storageKey in await StoredFilesAsync(cancellationToken))
        {
            try
            {
                if (await vault.KeyVersionAsync(storageKey, cancellationToken) is { } version && version != encryptor.CurrentKeyVersion &&
                    await vault.ReencryptAsync(storageKey, cancellationToken))
                    rewritten++;
            }
            catch (CryptographicException)
            {
                unreadable++;
            }
        }
        return rewritten;
    }
}
