using Microsoft.Extensions.DependencyInjection.Extensions;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Files;

public static class StorageSetup
{
    /// <summary>
    /// The <see cref="IBlobStore"/> chosen by Storage:Provider (Disk, the default, or S3) and the <see cref="FileVault"/>
    /// over it, both singletons. The vault uses the app's <see cref="FieldEncryptor"/> (registered by AddPazPazData; made
    /// here from the Encryption section only when nothing registered one).
    /// </summary>
    public static IServiceCollection AddPazPazStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => CreateStore(configuration.GetSection("Storage")));
        services.TryAddSingleton(_ => StartupCheck.Encryptor(configuration));
        services.AddSingleton<FileVault>();
        return services;
    }

    /// <summary>The store the "Storage" section describes (its settings already checked by <see cref="Problems"/>).</summary>
    public static IBlobStore CreateStore(IConfiguration storage)
    {
        var provider = storage["Provider"];
        if (IsDisk(provider))
        {
            var disk = storage.GetSection("Disk").Get<DiskStorageOptions>() ?? new DiskStorageOptions();
            return new DiskBlobStore(DiskRoot(disk.Root));
        }
        if (IsS3(provider)) return new S3BlobStore(storage.GetSection("S3").Get<S3StorageOptions>() ?? new S3StorageOptions());
        throw new InvalidOperationException(UnknownProvider(provider));
    }

    /// <summary>Every missing or invalid Storage__… setting, named as an environment variable; empty when storage can start.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var storage = configuration.GetSection("Storage");
        var provider = storage["Provider"];
        var problems = new List<string>();
        if (IsDisk(provider)) DiskProblems(storage.GetSection("Disk"), problems);
        else if (IsS3(provider)) S3Problems(storage.GetSection("S3"), problems);
        else problems.Add(UnknownProvider(provider));
        return problems;
    }

    private static void DiskProblems(IConfiguration disk, List<string> problems)
    {
        var root = DiskRoot(disk["Root"]);
        string full;
        try { full = Path.GetFullPath(root); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Add($"Storage__Disk__Root \"{root}\" is not a usable path ({e.Message}).");
            return;
        }
        // Created and written to now, so a read-only volume or a wrong owner stops start-up instead of the first upload.
        var probe = Path.Combine(full, $".probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(full);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Storage__Disk__Root: the folder {full} cannot be created or written to ({e.Message}).");
        }
    }

    private static void S3Problems(IConfiguration s3, List<string> problems)
    {
        var bucket = s3["Bucket"];
        if (string.IsNullOrWhiteSpace(bucket))
            problems.Add("Storage__S3__Bucket is missing (Storage__Provider is S3).");
        else if (bucket.Length is < 3 or > 63 || !bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
            problems.Add($"Storage__S3__Bucket \"{bucket}\" is not a bucket name (3 to 63 characters: a-z, 0-9, '-', '.').");

        var serviceUrl = s3["ServiceUrl"];
        var hasServiceUrl = !string.IsNullOrWhiteSpace(serviceUrl);
        if (hasServiceUrl && (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            problems.Add($"Storage__S3__ServiceUrl must be an absolute http(s) URL such as http://minio:9000 (got \"{serviceUrl}\").");
        if (!hasServiceUrl && string.IsNullOrWhiteSpace(s3["Region"]))
            problems.Add("Storage__S3__Region is missing (Storage__Provider is S3 and Storage__S3__ServiceUrl is empty, so the bucket is on AWS; e.g. eu-central-1).");

        // An S3-compatible server needs keys; on AWS both may be left out for the SDK's own credentials (instance role).
        var hasAccessKey = !string.IsNullOrWhiteSpace(s3["AccessKey"]);
        var hasSecretKey = !string.IsNullOrWhiteSpace(s3["SecretKey"]);
        var keysBecause = hasServiceUrl ? "(Storage__Provider is S3 with Storage__S3__ServiceUrl)" : "(the other key is set)";
        if (!hasAccessKey && (hasServiceUrl || hasSecretKey)) problems.Add($"Storage__S3__AccessKey is missing {keysBecause}.");
        if (!hasSecretKey && (hasServiceUrl || hasAccessKey)) problems.Add($"Storage__S3__SecretKey is missing {keysBecause}.");

        foreach (var flag in new[] { "ForcePathStyle", "UseChunkEncoding" })
        {
            var value = s3[flag];
            if (!string.IsNullOrWhiteSpace(value) && !bool.TryParse(value, out _))
                problems.Add($"Storage__S3__{flag} must be true or false (got \"{value}\").");
        }
    }

    private const string DefaultDiskRoot = ".data/files";

    private static string DiskRoot(string? configured) => string.IsNullOrWhiteSpace(configured) ? DefaultDiskRoot : configured;

    private static bool IsDisk(string? provider) => string.IsNullOrWhiteSpace(provider) || provider.Trim().Equals("Disk", StringComparison.OrdinalIgnoreCase);

    private static bool IsS3(string? provider) => provider?.Trim().Equals("S3", StringComparison.OrdinalIgnoreCase) == true;

    private static string UnknownProvider(string? provider) => $"Storage__Provider must be Disk or S3 (got \"{provider}\").";
}
