using System.Security.Cryptography;
using PazPaz.Files;
using PazPaz.Security;

namespace PazPaz.Tests.Files;

/// <summary>A private temporary folder for one test class instance, with helpers to make plaintext files in it.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pazpaz-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>A file of <paramref name="length"/> pseudo-random bytes, written 64 KiB at a time (never whole in memory).</summary>
    public string RandomFile(long length, int seed = 1)
    {
        var path = NewPath();
        var random = new Random(seed);
        var block = new byte[64 * 1024];
        using var file = File.Create(path);
        for (var left = length; left > 0; left -= block.Length)
        {
            random.NextBytes(block);
            file.Write(block, 0, (int)Math.Min(left, block.Length));
        }
        return path;
    }

    public string FileWith(byte[] bytes)
    {
        var path = NewPath();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string NewPath() => System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

public static class Keys
{
    public static readonly byte[] One = RandomNumberGenerator.GetBytes(32);
    public static readonly byte[] Two = RandomNumberGenerator.GetBytes(32);

    public static FieldEncryptor Encryptor(int current, params (int Version, byte[] Key)[] keys) =>
        new(keys.ToDictionary(k => k.Version, k => k.Key), current);

    public static FieldEncryptor VersionOne() => Encryptor(1, (1, One));

    /// <summary>A key for this file alone: tests share a bucket and run in parallel.</summary>
    public static string NewStorageKey() => $"ws/{Guid.NewGuid():N}/{Guid.NewGuid():N}";
}

/// <summary>
/// The s3rver that ./test.sh starts (scripts/common.sh ensure_s3), found through PAZPAZ_TEST_S3 (its URL) and
/// PAZPAZ_TEST_S3_BUCKET. Without them the S3 tests fail: storage on S3 is never silently left untested.
/// </summary>
public static class TestS3
{
    public static S3StorageOptions Options(string? bucket = null)
    {
        var url = Environment.GetEnvironmentVariable("PAZPAZ_TEST_S3");
        var testBucket = Environment.GetEnvironmentVariable("PAZPAZ_TEST_S3_BUCKET");
        if (string.IsNullOrWhiteSpace(url) || string.IsNullOrWhiteSpace(testBucket))
            throw new InvalidOperationException("No test S3 server: run ./test.sh, or start one with scripts/common.sh ensure_s3 (it exports PAZPAZ_TEST_S3 and PAZPAZ_TEST_S3_BUCKET).");
        return new S3StorageOptions
        {
            ServiceUrl = url,
            Bucket = bucket ?? testBucket,
            AccessKey = "S3RVER",
            SecretKey = "S3RVER",
            ForcePathStyle = true,
            // s3rver keeps aws-chunked bodies verbatim (framing and signatures) and still answers 200.
            UseChunkEncoding = false,
        };
    }

    public static S3BlobStore Store(string? bucket = null) => new(Options(bucket));
}

public static class Streams
{
    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<byte[]> Sha256Async(string path)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file);
    }
}
