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
    public const int BatchSize = ColumnRewrite.BatchSize;

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
                rewritten[table] = await ColumnRewrite.AllAsync(connection, table, "id", columns,
                    string.Join(" OR ", columns.Select(c => $"{c} !~ '^v[0-9]+:'")),
                    value => value is null || FieldEncryptor.LooksEncrypted(value) ? value : encryptor.Encrypt(value), cancellationToken);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return rewritten;
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
