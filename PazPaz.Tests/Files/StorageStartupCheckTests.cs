using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Files;
using PazPaz.Operations;
using PazPaz.Security;
using YamlDotNet.RepresentationModel;

namespace PazPaz.Tests.Files;

public sealed class StorageStartupCheckTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static IReadOnlyList<string> StorageProblems(Dictionary<string, string?> settings) =>
        StorageSetup.Problems(Configuration(settings));

    /// <summary>Everything but storage is valid, so the only problems StartupCheck finds are storage's.</summary>
    private static Dictionary<string, string?> ValidApp() => new()
    {
        ["ConnectionStrings:Default"] = "Host=db;Database=pazpaz",
        ["PazPaz:PublicBaseUrl"] = "https://pazpaz.example.com",
        ["Email:PickupDirectory"] = "/var/mail/pazpaz",
        ["Encryption:CurrentKeyVersion"] = "1",
        ["Encryption:Keys:1"] = Convert.ToBase64String(new byte[32]),
    };

    private static Dictionary<string, string?> S3(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Storage:Provider"] = "S3" };
        foreach (var (key, value) in settings) all[$"Storage:S3:{key}"] = value;
        return all;
    }

    [Fact]
    public void StartupCheck_names_the_missing_S3_bucket()
    {
        var settings = ValidApp();
        settings["Storage:Provider"] = "S3";
        settings["Storage:S3:ServiceUrl"] = "http://minio:9000";
        settings["Storage:S3:AccessKey"] = "pazpaz";
        settings["Storage:S3:SecretKey"] = "secret";

        var problem = Assert.Single(StartupCheck.Problems(Configuration(settings)));
        Assert.Equal("Storage__S3__Bucket is missing (Storage__Provider is S3).", problem);
    }

    [Fact]
    public void StartupCheck_names_an_unknown_provider()
    {
        var settings = ValidApp();
        settings["Storage:Provider"] = "Dropbox";

        var problem = Assert.Single(StartupCheck.Problems(Configuration(settings)));
        Assert.Contains("Storage__Provider must be Disk or S3", problem);
        Assert.Contains("Dropbox", problem);
    }

    [Fact]
    public void Disk_is_the_default_and_a_writable_root_is_all_it_needs()
    {
        Assert.Empty(StorageProblems(new() { ["Storage:Disk:Root"] = Path.Combine(temp.Path, "files") }));
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "files")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(temp.Path, "files")));
        Assert.Empty(StorageProblems(new() { ["Storage:Provider"] = "disk", ["Storage:Disk:Root"] = temp.Path }));
    }

    [Fact]
    public void StartupCheck_names_a_disk_root_that_cannot_be_created()
    {
        // Under a file: no folder can be made there, even as root.
        var file = temp.FileWith([1]);
        var problem = Assert.Single(StorageProblems(new() { ["Storage:Disk:Root"] = Path.Combine(file, "files") }));
        Assert.StartsWith("Storage__Disk__Root", problem);
        Assert.Contains(file, problem);
    }

    [Fact]
    public void StartupCheck_names_each_missing_S3_setting_for_an_S3_compatible_server()
    {
        var problems = StorageProblems(S3(("ServiceUrl", "http://minio:9000")));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Storage__S3__Bucket is missing"));
        Assert.Contains(problems, p => p.StartsWith("Storage__S3__AccessKey is missing"));
        Assert.Contains(problems, p => p.StartsWith("Storage__S3__SecretKey is missing"));
    }

    [Fact]
    public void StartupCheck_asks_for_a_region_on_AWS_but_not_for_keys()
    {
        var problem = Assert.Single(StorageProblems(S3(("Bucket", "pazpaz-files"))));
        Assert.StartsWith("Storage__S3__Region is missing", problem);
        Assert.Empty(StorageProblems(S3(("Bucket", "pazpaz-files"), ("Region", "eu-central-1"))));
        Assert.StartsWith("Storage__S3__SecretKey is missing",
            Assert.Single(StorageProblems(S3(("Bucket", "pazpaz-files"), ("Region", "eu-central-1"), ("AccessKey", "AKIA")))));
    }

    [Theory]
    [InlineData("ServiceUrl", "minio:9000", "Storage__S3__ServiceUrl")]
    [InlineData("ServiceUrl", "ftp://minio", "Storage__S3__ServiceUrl")]
    [InlineData("Bucket", "Pazpaz_Files", "Storage__S3__Bucket")]
    [InlineData("ForcePathStyle", "yes", "Storage__S3__ForcePathStyle")]
    [InlineData("UseChunkEncoding", "0", "Storage__S3__UseChunkEncoding")]
    public void StartupCheck_explains_an_invalid_S3_setting(string key, string value, string expected)
    {
        var settings = S3(("ServiceUrl", "http://minio:9000"), ("Bucket", "pazpaz"), ("AccessKey", "a"), ("SecretKey", "s"));
        Assert.Empty(StorageProblems(settings));
        settings[$"Storage:S3:{key}"] = value;
        var problem = Assert.Single(StorageProblems(settings));
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void StartupCheck_accepts_the_storage_settings_compose_gives_the_app()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "compose.yml"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(directory.FullName, "compose.yml"))));
        var app = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"])["app"];
        var storage = ((YamlMappingNode)app["environment"]).Children
            .Select(e => (Key: ((YamlScalarNode)e.Key).Value!, Value: ((YamlScalarNode)e.Value).Value ?? ""))
            .Where(e => e.Key.StartsWith("Storage__"))
            // ${NAME:-default} → default, as compose does when NAME is unset.
            .ToDictionary(e => e.Key.Replace("__", ":"), e => (string?)Regex.Replace(e.Value, @"\$\{[A-Z_]+:-([^}]*)\}", "$1"));

        Assert.Equal("S3", storage["Storage:Provider"]);
        Assert.Equal("true", storage["Storage:S3:ForcePathStyle"]);
        Assert.Empty(StorageProblems(storage));
    }

    [Fact]
    public void AddPazPazStorage_registers_the_configured_store_and_the_vault()
    {
        var encryption = new Dictionary<string, string?>
        {
            ["Encryption:CurrentKeyVersion"] = "1",
            ["Encryption:Keys:1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };

        var disk = new Dictionary<string, string?>(encryption) { ["Storage:Disk:Root"] = temp.Path };
        using (var services = new ServiceCollection().AddPazPazStorage(Configuration(disk)).BuildServiceProvider())
        {
            Assert.Equal("disk", services.GetRequiredService<IBlobStore>().Name);
            Assert.Same(services.GetRequiredService<FileVault>(), services.GetRequiredService<FileVault>());
        }

        var s3 = new Dictionary<string, string?>(encryption)
        {
            ["Storage:Provider"] = "S3", ["Storage:S3:ServiceUrl"] = "http://127.0.0.1:9", ["Storage:S3:Bucket"] = "pazpaz",
            ["Storage:S3:AccessKey"] = "a", ["Storage:S3:SecretKey"] = "s", ["Storage:S3:ForcePathStyle"] = "true",
        };
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = Keys.One }, 1);
        using (var services = new ServiceCollection().AddSingleton(encryptor).AddPazPazStorage(Configuration(s3)).BuildServiceProvider())
        {
            Assert.Equal("s3", services.GetRequiredService<IBlobStore>().Name);
            Assert.NotNull(services.GetRequiredService<FileVault>());
            Assert.Same(encryptor, services.GetRequiredService<FieldEncryptor>());
        }
    }

    public void Dispose() => temp.Dispose();
}
