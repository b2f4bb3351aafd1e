using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Domain;
using PazPaz.Files;
using PazPaz.Security;
using PazPaz.Tests.Api;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Security;

/// <summary>
/// Rotating the encryption key end to end: data written under key 1 (client, note versions, file and thumbnail, two-step
/// secret, the cookie-signing keys), re-encrypted by an app given key 2 as current, then read by an app whose key 1 is a
/// different key altogether: nothing may still need the old one.
/// </summary>
public sealed class KeyRotationTests(PazPazApp app) : AppTest(app)
{
    private static readonly string NewKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private WebApplicationFactory<Program> With(string key1, string key2) => App.WithWebHostBuilder(b => b
        .UseSetting("Encryption:Keys:1", key1)
        .UseSetting("Encryption:Keys:2", key2)
        .UseSetting("Encryption:CurrentKeyVersion", "2"));

    private static async Task<KeyRotation.Report> RotateAsync(WebApplicationFactory<Program> app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KeyRotation>().RunAsync(CancellationToken.None);
    }

    private static async Task<byte[]> ThumbnailAsync(WebApplicationFactory<Program> app, string key)
    {
        using var scope = app.Services.CreateScope();
        await using var stream = await scope.ServiceProvider.GetRequiredService<FileVault>().OpenAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<int> OutdatedAsync(WebApplicationFactory<Program> app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<KeyRotation>().CountOutdatedAsync(CancellationToken.None);
    }

    [Fact]
    public async Task After_rotating_nothing_needs_the_old_key_and_everything_reads_back()
    {
        // Under key 1: a client's health field, a note finalized then amended (two immutable versions), an image with its
        // thumbnail, a two-step secret, and a browser signed in (its cookie signed with a DataProtection key).
        // Other tests' apps, with keys of their own, may have left DataProtection keys in this database: those are no
        // part of this practice's data, and no key configured here opens them.
        var encryptorBefore = App.Services.GetRequiredService<FieldEncryptor>();
        await using (var connection = (NpgsqlConnection)await App.OpenConnectionAsync())
        {
            var foreign = new List<int>();
            await using (var keys = new NpgsqlCommand("SELECT id, xml FROM data_protection_keys", connection))
            await using (var reader = await keys.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    if (System.Text.RegularExpressions.Regex.Match(reader.GetString(1), "<value>(v[0-9]+:[^<]+)</value>") is { Success: true } value)
                        try { encryptorBefore.Decrypt(value.Groups[1].Value); }
                        catch (CryptographicException) { foreign.Add(reader.GetInt32(0)); }
            await using var drop = new NpgsqlCommand("DELETE FROM data_protection_keys WHERE id = ANY(@ids)", connection);
            drop.Parameters.AddWithValue("ids", foreign.ToArray());
            await drop.ExecuteNonQueryAsync();
        }
        var practice = await App.PracticeAsync();
        var browser = await App.SignedInAsync(practice.Owner.Email); // a DataProtection key exists, under key 1
        var enrolment = await App.EnrolAsync(browser);
        var api = await App.ApiClientAsync(practice.Owner.Email);
        var client = await (await api.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen", medical_history = "Herniated disc L4" })).JsonAsync();
        var clientId = client["id"]!.GetValue<Guid>();
        var note = await (await api.PostJsonAsync("/api/v1/session-notes", new { client_id = clientId, assessment = "First" })).JsonAsync();
        var noteUrl = $"/api/v1/session-notes/{note["id"]}";
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"{noteUrl}/finalize", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync(noteUrl, new { assessment = "Second" })).StatusCode);
        var uploaded = await api.PostAsync($"/api/v1/clients/{clientId}/attachments", AttachmentsApiTests.Multipart(UploadSamples.Png(), "posture.png"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var fileUrl = $"/api/v1/clients/{clientId}/attachments/{(await uploaded.JsonAsync())["id"]}";
        var fileBytes = await api.GetByteArrayAsync($"{fileUrl}/content");
        var thumbnailKey = await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().Select(a => a.StorageKey).SingleAsync()) + Attachment.ThumbnailSuffix;
        var thumbnailBytes = await ThumbnailAsync(App, thumbnailKey);
        var sealedBefore = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rotation-test").Protect("session");
        var devKey = App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Encryption:Keys:1"]!;

        await using var rotating = With(devKey, NewKey);
        Assert.True(await OutdatedAsync(rotating) > 0);
        var report = await RotateAsync(rotating);

        Assert.Equal(1, report.Rows["clients"]);
        Assert.Equal(2, report.Rows["session_note_versions"]); // past the append-only trigger, as the schema owner
        Assert.Equal(1, report.Rows["users"]); // the two-step secret
        Assert.True(report.DataProtectionKeys >= 1);
        Assert.Equal(2, report.Files); // the file and its thumbnail
        Assert.Equal(0, report.Unreadable);
        Assert.Equal(0, await OutdatedAsync(rotating));
        await using (var connection = (NpgsqlConnection)await App.OpenConnectionAsync())
        await using (var left = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM clients WHERE medical_history LIKE 'v1:%' OR first_name LIKE 'v1:%')
                 + (SELECT count(*) FROM session_note_versions WHERE assessment LIKE 'v1:%')
                 + (SELECT count(*) FROM data_protection_keys WHERE xml LIKE '%<value>v1:%')
            """, connection))
            Assert.Equal(0L, await left.ExecuteScalarAsync());
        var again = await RotateAsync(rotating);
        Assert.Equal((0, 0, 0), (again.Rows.Values.Sum(), again.DataProtectionKeys, again.Files));

        // Key 1 replaced by an unrelated key: anything still under it would fail to decrypt. (Read with that app's own
        // FieldEncryptor and raw SQL: EF builds its model, value converters included, once per process, with the first app's.)
        await using var rotated = With(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), NewKey);
        var encryptor = rotated.Services.GetRequiredService<FieldEncryptor>();
        await using (var connection = (NpgsqlConnection)await App.OpenConnectionAsync())
        {
            async Task<List<string>> TextsAsync(string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await using var reader = await command.ExecuteReaderAsync();
                var texts = new List<string>();
                while (await reader.ReadAsync()) texts.Add(encryptor.Decrypt(reader.GetString(0)));
                return texts;
            }
            Assert.Equal(["Herniated disc L4"], await TextsAsync("SELECT medical_history FROM clients"));
            Assert.Equal(["Noa"], await TextsAsync("SELECT first_name FROM clients"));
            Assert.Equal(["First", "Second"], await TextsAsync("SELECT assessment FROM session_note_versions ORDER BY version_number"));
            Assert.Equal([enrolment.Secret], await TextsAsync("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL"));
        }
        using (var scope = rotated.Services.CreateScope())
        {
            var vault = scope.ServiceProvider.GetRequiredService<FileVault>();
            var storageKey = thumbnailKey[..^Attachment.ThumbnailSuffix.Length];
            await using var file = await vault.OpenAsync(storageKey, CancellationToken.None);
            using var copy = new MemoryStream();
            await file!.CopyToAsync(copy);
            Assert.Equal(fileBytes, copy.ToArray());
        }
        Assert.Equal(thumbnailBytes, await ThumbnailAsync(rotated, thumbnailKey));

        // What the cookie-signing keys protected before the rotation still opens: their key ring was re-encrypted, not lost.
        Assert.Equal("session", rotated.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rotation-test").Unprotect(sealedBefore));
    }

    [Fact]
    public async Task Session_note_versions_stay_immutable_for_the_app_and_only_their_texts_can_be_rewritten_by_the_schema_owner()
    {
        var practice = await App.PracticeAsync();
        var api = await App.ApiClientAsync(practice.Owner.Email);
        var client = await (await api.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen" })).JsonAsync();
        var note = await (await api.PostJsonAsync("/api/v1/session-notes", new { client_id = client["id"]!.GetValue<Guid>(), assessment = "First" })).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/session-notes/{note["id"]}/finalize", null)).StatusCode);

        async Task<string?> RefusalAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            try { await command.ExecuteNonQueryAsync(); return null; }
            catch (PostgresException e) { return e.SqlState; }
        }

        const string RewriteText = "UPDATE session_note_versions SET assessment = assessment || ''";
        Assert.Equal("42501", await RefusalAsync(App.AppConnectionString, RewriteText));
        Assert.Equal("42501", await RefusalAsync(App.ConnectionString, "UPDATE session_note_versions SET version_number = version_number + 1"));
        Assert.Equal("42501", await RefusalAsync(App.ConnectionString, "UPDATE session_note_versions SET assessment = assessment, created_at = created_at + interval '1 day'"));
        Assert.Null(await RefusalAsync(App.ConnectionString, RewriteText));
    }
}
