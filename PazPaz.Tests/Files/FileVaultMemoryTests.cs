using System.Security.Cryptography;
using PazPaz.Files;

namespace PazPaz.Tests.Files;

/// <summary>Runs after, never beside, the parallel tests, so that the process-wide allocation count is this test's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurements
{
    public const string Name = "allocation measurements";
}

[Collection(AllocationMeasurements.Name)]
public sealed class FileVaultMemoryTests : IDisposable
{
    private const int TenMiB = 10 * 1024 * 1024;
    private readonly TempFolder temp = new();

    [Fact]
    public async Task A_10_MiB_round_trip_allocates_a_few_chunks_not_the_file()
    {
        var plain = temp.RandomFile(TenMiB, seed: 5);
        var expected = await Streams.Sha256Async(plain);
        var vault = new FileVault(new DiskBlobStore(Path.Combine(temp.Path, "store")), Keys.VersionOne());
        var buffer = new byte[16 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        async Task RoundTripAsync(string key)
        {
            await vault.SaveAsync(key, plain, CancellationToken.None);
            await using var opened = (await vault.OpenAsync(key, CancellationToken.None))!;
            int read;
            while ((read = await opened.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }

        await RoundTripAsync(Keys.NewStorageKey());   // warm-up: JIT, static state, the array pool
        Assert.Equal(expected, hash.GetHashAndReset());

        // Async continuations run on pool threads, so the count is process-wide (GetAllocatedBytesForCurrentThread would
        // miss most of it); the smallest of three runs leaves out whatever else the process did meanwhile. Holding the
        // file would cost at least 10 MiB in every run.
        var smallest = long.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await RoundTripAsync(Keys.NewStorageKey());
            smallest = Math.Min(smallest, GC.GetTotalAllocatedBytes(precise: true) - before);
            Assert.Equal(expected, hash.GetHashAndReset());
        }

        Assert.True(smallest < 4 * 1024 * 1024, $"A 10 MiB round trip allocated {smallest:N0} bytes.");
    }

    public void Dispose() => temp.Dispose();
}
