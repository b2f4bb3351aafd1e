using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using PazPaz.Tests.Api;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

/// <summary>
/// scripts/backup.sh and scripts/restore.sh for real: a practice's client, note and file, backed up with pg_dump and the
/// files directory, restored into a new database and an empty directory, read back by an app started on the restored copy.
/// </summary>
public sealed class BackupRestoreTests(PazPazApp app) : AppTest(app)
{
    private static readonly string Scripts = Path.Combine(RepositoryRoot(), "scripts");

    [Fact]
    public async Task A_backup_restored_into_a_new_database_shows_the_same_client_decrypted_note_and_file()
    {
        var practice = await App.PracticeAsync();
        var token = await App.ApiTokenAsync(practice.Owner.Email);
        var api = App.WithBearer(token);
        var client = await (await api.PostJsonAsync("/api/v1/clients", new { first_name = "Noa", last_name = "Cohen", medical_history = "Herniated disc L4" })).JsonAsync();
        var clientId = client["id"]!.GetValue<Guid>();
        var note = await (await api.PostJsonAsync("/api/v1/session-notes", new { client_id = clientId, subjective = "Lower back pain, 6/10" })).JsonAsync();
        var png = UploadSamples.Png();
        var uploaded = await api.PostAsync($"/api/v1/clients/{clientId}/attachments", AttachmentsApiTests.Multipart(png, "posture.png"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var fileId = (await uploaded.JsonAsync())["id"]!.GetValue<Guid>();
        var original = await api.GetByteArrayAsync($"/api/v1/clients/{clientId}/attachments/{fileId}/content");

        var work = Directory.CreateTempSubdirectory("pazpaz-backup-test-");
        try
        {
            var backup = (await RunAsync("backup.sh", [work.FullName],
                ("ConnectionStrings__Default", App.ConnectionString), ("Storage__Disk__Root", App.FilesFolder))).Trim();
            Assert.True(File.Exists(Path.Combine(backup, "SHA256SUMS")));
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")))!;
            Assert.Equal(Directory.GetFiles(App.FilesFolder, "*", SearchOption.AllDirectories).Length, manifest["files"]!.GetValue<int>()); // the file and its thumbnail
            Assert.StartsWith("2026", manifest["last_migration"]!.GetValue<string>());

            var restoredName = "pazpaz_restore_test";
            var owner = await TestDatabase.CreateFreshAsync(restoredName);
            var restoredFiles = Path.Combine(work.FullName, "restored-files");
            await RunAsync("restore.sh", [backup], ("ConnectionStrings__Default", owner), ("Storage__Disk__Root", restoredFiles));
            // Restoring twice would overwrite: refused.
            var again = await RunAsync("restore.sh", [backup], expectFailure: true, ("ConnectionStrings__Default", owner), ("Storage__Disk__Root", restoredFiles));
            Assert.Contains("already has", again);

            var restoredApp = await TestDatabase.AppConnectionStringAsync(restoredName);
            await using var restored = App.WithWebHostBuilder(b => b
                .UseSetting("ConnectionStrings:Default", restoredApp)
                .UseSetting("ConnectionStrings:Migrations", owner)
                .UseSetting("Storage:Disk:Root", restoredFiles));
            var restoredApi = restored.CreateClient();
            restoredApi.DefaultRequestHeaders.Authorization = new("Bearer", token);

            var back = await (await restoredApi.GetAsync($"/api/v1/clients/{clientId}")).JsonAsync();
            Assert.Equal("Herniated disc L4", back["medical_history"]!.GetValue<string>());
            var noteBack = await (await restoredApi.GetAsync($"/api/v1/session-notes/{note["id"]}")).JsonAsync();
            Assert.Equal("Lower back pain, 6/10", noteBack["subjective"]!.GetValue<string>());
            Assert.Equal(original, await restoredApi.GetByteArrayAsync($"/api/v1/clients/{clientId}/attachments/{fileId}/content"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_before_anything_is_restored()
    {
        await App.PracticeAsync();
        var work = Directory.CreateTempSubdirectory("pazpaz-backup-test-");
        try
        {
            var backup = (await RunAsync("backup.sh", [work.FullName],
                ("ConnectionStrings__Default", App.ConnectionString), ("Storage__Disk__Root", App.FilesFolder))).Trim();
            await using (var dump = File.OpenWrite(Path.Combine(backup, "database.dump")))
            {
                dump.Seek(100, SeekOrigin.Begin);
                dump.WriteByte(0x42);
            }
            var owner = await TestDatabase.CreateFreshAsync("pazpaz_restore_test");

            var refused = await RunAsync("restore.sh", [backup], expectFailure: true, ("ConnectionStrings__Default", owner),
                ("Storage__Disk__Root", Path.Combine(work.FullName, "restored-files")));

            Assert.Contains("damaged", refused);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs a script with only the given settings (as an operator's shell would have them); returns its output.</summary>
    private static Task<string> RunAsync(string script, string[] arguments, params (string Key, string Value)[] environment) =>
        RunAsync(script, arguments, expectFailure: false, environment);

    private static async Task<string> RunAsync(string script, string[] arguments, bool expectFailure, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Scripts, script), .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var key in new[] { "ConnectionStrings__Default", "ConnectionStrings__Migrations", "Storage__Provider", "Storage__Disk__Root" })
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        Assert.True(expectFailure ? process.ExitCode != 0 : process.ExitCode == 0, $"{script} exited {process.ExitCode}: {text}");
        return expectFailure ? text : await output;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PazPaz.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PazPaz.sln not found above the test binaries.");
    }
}
