using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PazPaz.Files;

namespace PazPaz.Tests.Files;

/// <summary>The vault over each real store: the same tests run on disk and on S3 (s3rver).</summary>
public abstract class FileVaultContract : IDisposable
{
    private const int Chunk = 64 * 1024;
    private const int StoredChunk = Chunk + 16;
    private const int Header = 69;
    private static readonly CancellationToken None = CancellationToken.None;

    protected readonly TempFolder Temp = new();
    private readonly Lazy<IBlobStore> store;

    protected FileVaultContract() => store = new(CreateStore);

    protected abstract IBlobStore CreateStore();

    protected IBlobStore Store => store.Value;

    private FileVault Vault() => new(Store, Keys.VersionOne());

    private static long StoredLength(long plain) => Header + plain + 16 * (plain / Chunk + 1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(10 * 1024 * 1024)]
    public async Task A_file_comes_back_byte_for_byte(int length)
    {
        var plain = Temp.RandomFile(length, seed: length);
        var key = Keys.NewStorageKey();
        var vault = Vault();

        var stored = await vault.SaveAsync(key, plain, None);

        Assert.Equal(StoredLength(length), stored);
        await using (var raw = await Store.OpenReadAsync(key, None))
            Assert.Equal(stored, (await Streams.ReadAllAsync(raw!)).LongLength);
        await using var opened = await vault.OpenAsync(key, None);
        Assert.NotNull(opened);
        Assert.False(opened.CanSeek);
        Assert.False(opened.CanWrite);
        Assert.Equal(await Streams.Sha256Async(plain), await SHA256.HashDataAsync(opened));
    }

    [Fact]
    public async Task The_store_holds_no_plaintext_and_another_master_key_cannot_read_it()
    {
        var marker = Encoding.ASCII.GetBytes("client-diagnosis:migraine-000042");
        Assert.Equal(32, marker.Length);
        var bytes = RandomNumberGenerator.GetBytes(3 * Chunk);
        foreach (var at in new[] { 0, 1000, Chunk - 10, 2 * Chunk + 7, bytes.Length - marker.Length })
            marker.CopyTo(bytes, at);
        var key = Keys.NewStorageKey();
        await Vault().SaveAsync(key, Temp.FileWith(bytes), None);

        var stored = await ReadStoredAsync(key);
        Assert.Equal(-1, stored.AsSpan().IndexOf(marker));
        Assert.Equal(-1, stored.AsSpan().IndexOf(bytes.AsSpan(5000, 32)));

        var stranger = new FileVault(Store, Keys.Encryptor(1, (1, RandomNumberGenerator.GetBytes(32))));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(stranger, key));
        Assert.Equal(bytes, await ReadAllAsync(Vault(), key));
    }

    [Fact]
    public async Task The_same_file_saved_twice_is_stored_differently()
    {
        var plain = Temp.RandomFile(1000);
        var (first, second) = (Keys.NewStorageKey(), Keys.NewStorageKey());
        await Vault().SaveAsync(first, plain, None);
        await Vault().SaveAsync(second, plain, None);

        Assert.NotEqual(await ReadStoredAsync(first), await ReadStoredAsync(second));
    }

    /// <summary>Offsets in a stored file of three chunks (64 KiB, 64 KiB, 1,000 bytes).</summary>
    public static TheoryData<string, int> Flips() => new()
    {
        { "magic", 0 },
        { "format version", 4 },
        { "key version", 8 },
        { "wrapped key", 30 },
        { "first chunk", Header + 10 },
        { "second chunk", Header + StoredChunk + 40_000 },
        { "second chunk's tag", Header + 2 * StoredChunk - 1 },
        { "final chunk's tag", Header + 2 * StoredChunk + 1000 + 15 },
    };

    [Theory]
    [MemberData(nameof(Flips))]
    public async Task A_flipped_byte_is_detected(string where, int offset)
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        stored[offset] ^= 0x01;
        await ReplaceStoredAsync(key, stored);

        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
        Assert.False(string.IsNullOrEmpty(error.Message), where);
    }

    [Fact]
    public async Task A_shortened_final_chunk_is_detected()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        await ReplaceStoredAsync(key, stored[..^10]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task A_file_cut_after_a_whole_chunk_is_detected()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        await ReplaceStoredAsync(key, stored[..(Header + 2 * StoredChunk)]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));

        await ReplaceStoredAsync(key, stored[..Header]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));

        await ReplaceStoredAsync(key, stored[..40]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task A_file_whose_length_is_a_whole_number_of_chunks_cannot_lose_its_empty_final_chunk()
    {
        var key = Keys.NewStorageKey();
        var vault = Vault();
        await vault.SaveAsync(key, Temp.RandomFile(2 * Chunk), None);
        var stored = await ReadStoredAsync(key);
        Assert.Equal(Header + 2 * StoredChunk + 16, stored.Length);

        await ReplaceStoredAsync(key, stored[..^16]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task A_dropped_chunk_is_detected()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        await ReplaceStoredAsync(key, [.. stored[..(Header + StoredChunk)], .. stored[(Header + 2 * StoredChunk)..]]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task Swapped_chunks_are_detected()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        var first = stored[Header..(Header + StoredChunk)];
        var second = stored[(Header + StoredChunk)..(Header + 2 * StoredChunk)];
        await ReplaceStoredAsync(key, [.. stored[..Header], .. second, .. first, .. stored[(Header + 2 * StoredChunk)..]]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task Bytes_appended_to_a_file_are_detected()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        await ReplaceStoredAsync(key, [.. stored, .. new byte[16]]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));

        // A whole chunk from another position appended after the final one.
        await ReplaceStoredAsync(key, [.. stored, .. stored[Header..(Header + StoredChunk)]]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task The_header_of_another_file_does_not_open_this_one()
    {
        var (vault, key, stored) = await ThreeChunksAsync();
        var otherKey = Keys.NewStorageKey();
        await vault.SaveAsync(otherKey, Temp.RandomFile(100), None);
        var other = await ReadStoredAsync(otherKey);

        await ReplaceStoredAsync(key, [.. other[..Header], .. stored[Header..]]);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task After_key_rotation_old_files_stay_readable_and_new_ones_use_the_new_key()
    {
        var key = Keys.NewStorageKey();
        var plain = Temp.RandomFile(Chunk + 500, seed: 7);
        await new FileVault(Store, Keys.Encryptor(1, (1, Keys.One))).SaveAsync(key, plain, None);

        var rotated = new FileVault(Store, Keys.Encryptor(2, (1, Keys.One), (2, Keys.Two)));
        Assert.Equal(await File.ReadAllBytesAsync(plain), await ReadAllAsync(rotated, key));

        var newKey = Keys.NewStorageKey();
        await rotated.SaveAsync(newKey, plain, None);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian((await ReadStoredAsync(newKey)).AsSpan(5, 4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian((await ReadStoredAsync(key)).AsSpan(5, 4)));

        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() => ReadAllAsync(Vault(), newKey));
        Assert.Contains("version 2", error.Message);
    }

    [Fact]
    public async Task A_missing_file_opens_as_null()
    {
        var key = Keys.NewStorageKey();
        Assert.Null(await Vault().OpenAsync(key, None));
        Assert.Null(await Store.OpenReadAsync(key, None));
    }

    [Fact]
    public async Task Deleting_twice_is_fine_and_the_file_is_gone()
    {
        var key = Keys.NewStorageKey();
        var vault = Vault();
        await vault.SaveAsync(key, Temp.RandomFile(10), None);

        await vault.DeleteAsync(key, None);
        await vault.DeleteAsync(key, None);
        await Store.DeleteAsync(Keys.NewStorageKey(), None);

        Assert.Null(await vault.OpenAsync(key, None));
    }

    [Fact]
    public async Task Saving_again_under_a_key_replaces_the_file()
    {
        var key = Keys.NewStorageKey();
        var vault = Vault();
        await vault.SaveAsync(key, Temp.FileWith("first"u8.ToArray()), None);
        await vault.SaveAsync(key, Temp.FileWith("second, longer"u8.ToArray()), None);

        Assert.Equal("second, longer"u8.ToArray(), await ReadAllAsync(vault, key));
    }

    [Fact]
    public async Task The_store_keeps_exactly_the_bytes_it_was_given()
    {
        // Ciphertext is random-looking, so this also guards against a store that adds framing (aws-chunked on s3rver).
        var key = Keys.NewStorageKey();
        var bytes = RandomNumberGenerator.GetBytes(3 * Chunk + 123);
        await Store.WriteAsync(key, Temp.FileWith(bytes), None);

        Assert.Equal(bytes, await ReadStoredAsync(key));
    }

    [Fact]
    public async Task Small_reads_and_sync_reads_see_the_same_bytes()
    {
        var plain = Temp.RandomFile(2 * Chunk + 77, seed: 3);
        var key = Keys.NewStorageKey();
        var vault = Vault();
        await vault.SaveAsync(key, plain, None);
        var expected = await File.ReadAllBytesAsync(plain);

        await using var opened = (await vault.OpenAsync(key, None))!;
        var read = new List<byte>();
        var buffer = new byte[1000];
        int n;
        while ((n = opened.Read(buffer, 0, buffer.Length)) > 0) read.AddRange(buffer[..n]);
        Assert.Equal(expected, read.ToArray());
        Assert.Equal(0, opened.Read(buffer));
    }

    private async Task<(FileVault Vault, string Key, byte[] Stored)> ThreeChunksAsync()
    {
        var key = Keys.NewStorageKey();
        var vault = Vault();
        await vault.SaveAsync(key, Temp.RandomFile(2 * Chunk + 1000, seed: 11), None);
        var stored = await ReadStoredAsync(key);
        Assert.Equal(Header + 2 * StoredChunk + 1000 + 16, stored.Length);
        Assert.NotEmpty(await ReadAllAsync(vault, key));
        return (vault, key, stored);
    }

    private static async Task<byte[]> ReadAllAsync(FileVault vault, string key)
    {
        await using var opened = await vault.OpenAsync(key, None);
        Assert.NotNull(opened);
        return await Streams.ReadAllAsync(opened);
    }

    private async Task<byte[]> ReadStoredAsync(string key)
    {
        await using var stored = await Store.OpenReadAsync(key, None);
        Assert.NotNull(stored);
        return await Streams.ReadAllAsync(stored);
    }

    private Task ReplaceStoredAsync(string key, byte[] bytes) => Store.WriteAsync(key, Temp.FileWith(bytes), None);

    public void Dispose()
    {
        if (store.IsValueCreated) (store.Value as IDisposable)?.Dispose();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class FileVaultOnDiskTests : FileVaultContract
{
    protected override IBlobStore CreateStore() => new DiskBlobStore(Path.Combine(Temp.Path, "store"));
}

public sealed class FileVaultOnS3Tests : FileVaultContract
{
    protected override IBlobStore CreateStore() => TestS3.Store();
}
