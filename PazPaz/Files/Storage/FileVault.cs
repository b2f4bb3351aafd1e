using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using PazPaz.Security;

namespace PazPaz.Files;

/// <summary>
/// Encrypts attachments before they reach the <see cref="IBlobStore"/> and decrypts them on the way out, 64 KiB at a time:
/// a file is never held whole in memory, and the store only ever sees ciphertext.
/// <para>Stored format (version 1), all integers big-endian:</para>
/// <code>
/// header (69 bytes)
///   [0..4)    magic "PZFV"
///   [4]       format version, 1
///   [5..9)    master key version (uint32): which Encryption__Keys__N wrapped the file key
///   [9..69)   the file's random 256-bit key, wrapped by FieldEncryptor.WrapKey: nonce(12) | encrypted key(32) | tag(16),
///             AES-256-GCM with associated data "pazpaz-file-key-v{N}"
/// chunks, one after another
///   the plaintext cut into 64 KiB pieces, each stored as AES-256-GCM ciphertext | tag(16) under the file key, with
///     nonce           = 0x00000000 | chunk index (uint64)            (unique: every file has its own key)
///     associated data = SHA-256(header) | chunk index (uint64) | last (1 byte: 1 for the final chunk, else 0)
///   every chunk but the final one holds exactly 64 KiB; the final one holds less (0 bytes when the length is a
///   multiple of 64 KiB), so a full stored chunk is never the end.
/// </code>
/// Reordering or dropping chunks breaks the index, cutting the file short leaves no chunk marked final (or a
/// shortened one whose tag fails), anything appended breaks the final chunk's tag, and the header is bound to every
/// chunk: each throws <see cref="CryptographicException"/> while reading. Old master keys stay readable while they are
/// configured, so keys rotate like the fields' do (files keep the version they were written under).
/// </summary>
public sealed class FileVault(IBlobStore store, FieldEncryptor encryptor)
{
    internal const int ChunkSize = 64 * 1024;
    internal const int TagSize = 16;
    internal const int StoredChunkSize = ChunkSize + TagSize;
    internal const int HeaderSize = 9 + FieldEncryptor.WrappedKeySize;
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int AssociatedDataSize = 32 + 8 + 1;
    private static ReadOnlySpan<byte> Magic => "PZFV"u8;

    /// <summary>Where the encrypted copy waits for the store (ciphertext only).</summary>
    private static readonly string TemporaryFolder = Path.Combine(Path.GetTempPath(), "pazpaz-files");

    /// <summary>
    /// Encrypts the local plaintext file (a random per-file key wrapped by the current versioned key, 64 KiB chunks
    /// streamed) and stores it under <paramref name="key"/>, replacing any object there. Returns the stored length.
    /// </summary>
    public async Task<long> SaveAsync(string key, string plaintextPath, CancellationToken ct)
    {
        Directory.CreateDirectory(TemporaryFolder);
        var encrypted = Path.Combine(TemporaryFolder, $"{Guid.NewGuid():N}.enc");
        try
        {
            long length;
            await using (var plain = new FileStream(plaintextPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var cipher = new FileStream(encrypted, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
                length = await EncryptAsync(plain, cipher, ct);
            await store.WriteAsync(key, encrypted, ct);
            return length;
        }
        finally
        {
            File.Delete(encrypted);
        }
    }

    /// <summary>
    /// The decrypted bytes as a read-only, forward-only stream, or null when there is no object at <paramref name="key"/>.
    /// The header and the first chunk are checked here (an unknown key version, another master key or an altered start
    /// throw <see cref="CryptographicException"/> before anything is returned); later chunks are checked as they are
    /// read, and a bad one throws from Read. Dispose the stream.
    /// </summary>
    public async Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        var stored = await store.OpenReadAsync(key, ct);
        if (stored is null) return null;
        DecryptingStream? stream = null;
        try
        {
            var header = new byte[HeaderSize];
            if (await stored.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct) < HeaderSize)
                throw new CryptographicException("The stored file is too short to be an encrypted file.");
            var fileKey = OpenHeader(header);
            try { stream = new DecryptingStream(stored, fileKey, SHA256.HashData(header)); }
            finally { CryptographicOperations.ZeroMemory(fileKey); }
            await stream.ReadChunkAsync(ct);
            return stream;
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            else await stored.DisposeAsync();
            throw;
        }
    }

    /// <summary>The key version the stored file's key is wrapped with (read from its header), or null when there is no such object.</summary>
    public async Task<int?> KeyVersionAsync(string key, CancellationToken ct)
    {
        await using var stored = await store.OpenReadAsync(key, ct);
        if (stored is null) return null;
        var header = new byte[HeaderSize];
        if (await stored.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, ct) < HeaderSize)
            throw new CryptographicException("The stored file is too short to be an encrypted file.");
        var version = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5, 4));
        return version is 0 or > int.MaxValue ? throw new CryptographicException($"The stored file names key version {version}.") : (int)version;
    }

    /// <summary>
    /// Encrypts the stored file again under a new file key wrapped by the current master key (key rotation). The plaintext
    /// only passes through memory, chunk by chunk; the new ciphertext replaces the object in one write. False when the
    /// object is gone.
    /// </summary>
    public async Task<bool> ReencryptAsync(string key, CancellationToken ct)
    {
        Directory.CreateDirectory(TemporaryFolder);
        var encrypted = Path.Combine(TemporaryFolder, $"{Guid.NewGuid():N}.enc");
        try
        {
            await using (var plain = await OpenAsync(key, ct))
            {
                if (plain is null) return false;
                await using var cipher = new FileStream(encrypted, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
                await EncryptAsync(plain, cipher, ct);
            }
            await store.WriteAsync(key, encrypted, ct);
            return true;
        }
        finally
        {
            File.Delete(encrypted);
        }
    }

    /// <summary>Removes the stored file; no error when it is already gone.</summary>
    public Task DeleteAsync(string key, CancellationToken ct) => store.DeleteAsync(key, ct);

    /// <summary>Writes the header and the chunks of <paramref name="plain"/> to <paramref name="cipher"/>; returns the bytes written.</summary>
    internal async Task<long> EncryptAsync(Stream plain, Stream cipher, CancellationToken ct)
    {
        var header = new byte[HeaderSize];
        using var aes = NewFileKey(header);
        await cipher.WriteAsync(header, ct);
        var headerHash = SHA256.HashData(header);

        var plainBuffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var cipherBuffer = ArrayPool<byte>.Shared.Rent(StoredChunkSize);
        try
        {
            long written = HeaderSize;
            for (long index = 0; ; index++)
            {
                var read = await plain.ReadAtLeastAsync(plainBuffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, ct);
                var last = read < ChunkSize;
                Seal(aes, headerHash, index, last, plainBuffer.AsSpan(0, read), cipherBuffer.AsSpan(0, read + TagSize));
                await cipher.WriteAsync(cipherBuffer.AsMemory(0, read + TagSize), ct);
                written += read + TagSize;
                if (last) break;
            }
            await cipher.FlushAsync(ct);
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
            ArrayPool<byte>.Shared.Return(cipherBuffer);
        }
    }

    /// <summary>Fills <paramref name="header"/> for a new random file key and returns that key ready to encrypt.</summary>
    private AesGcm NewFileKey(byte[] header)
    {
        var fileKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var (version, wrapped) = encryptor.WrapKey(fileKey);
            Magic.CopyTo(header);
            header[4] = FormatVersion;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5, 4), checked((uint)version));
            wrapped.CopyTo(header.AsSpan(9));
            return new AesGcm(fileKey, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>Checks the header and unwraps the file key (throws <see cref="CryptographicException"/>).</summary>
    private byte[] OpenHeader(byte[] header)
    {
        if (!header.AsSpan(0, 4).SequenceEqual(Magic)) throw new CryptographicException("The stored file is not a PazPaz encrypted file.");
        if (header[4] != FormatVersion) throw new CryptographicException($"The stored file has format version {header[4]}, which this version of PazPaz cannot read.");
        var version = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5, 4));
        if (version is 0 or > int.MaxValue) throw new CryptographicException($"The stored file names key version {version}, which is not a key version.");
        return encryptor.UnwrapKey((int)version, header.AsSpan(9, FieldEncryptor.WrappedKeySize));
    }

    private static void Seal(AesGcm aes, byte[] headerHash, long index, bool last, ReadOnlySpan<byte> plain, Span<byte> stored)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> associated = stackalloc byte[AssociatedDataSize];
        ChunkParameters(headerHash, index, last, nonce, associated);
        aes.Encrypt(nonce, plain, stored[..plain.Length], stored.Slice(plain.Length, TagSize), associated);
    }

    private static void ChunkParameters(byte[] headerHash, long index, bool last, Span<byte> nonce, Span<byte> associated)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
        headerHash.CopyTo(associated);
        BinaryPrimitives.WriteInt64BigEndian(associated.Slice(32, 8), index);
        associated[40] = last ? (byte)1 : (byte)0;
    }

    /// <summary>Decrypts one stored chunk at a time; holds one chunk of ciphertext and one of plaintext.</summary>
    private sealed class DecryptingStream : Stream
    {
        private readonly Stream stored;
        private readonly AesGcm aes;
        private readonly byte[] headerHash;
        private byte[]? cipherBuffer = ArrayPool<byte>.Shared.Rent(StoredChunkSize);
        private byte[]? plainBuffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        private int plainOffset;
        private int plainCount;
        private long nextIndex;
        private bool finished;
        private bool failed;

        public DecryptingStream(Stream stored, byte[] fileKey, byte[] headerHash)
        {
            this.stored = stored;
            aes = new AesGcm(fileKey, TagSize);
            this.headerHash = headerHash;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            while (plainCount == 0)
            {
                if (finished) return 0;
                var cipher = Buffers().Cipher;
                Open(stored.ReadAtLeast(cipher.AsSpan(0, StoredChunkSize), StoredChunkSize, throwOnEndOfStream: false));
            }
            return Take(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty) return 0;
            while (plainCount == 0)
            {
                if (finished) return 0;
                await ReadChunkAsync(cancellationToken);
            }
            return Take(buffer.Span);
        }

        /// <summary>Reads and decrypts the next stored chunk into the plaintext buffer.</summary>
        public async Task ReadChunkAsync(CancellationToken cancellationToken)
        {
            var cipher = Buffers().Cipher;
            Open(await stored.ReadAtLeastAsync(cipher.AsMemory(0, StoredChunkSize), StoredChunkSize, throwOnEndOfStream: false, cancellationToken));
        }

        private void Open(int length)
        {
            var (cipher, plain) = Buffers();
            try
            {
                if (length < TagSize) throw new CryptographicException("The stored file is truncated: its final chunk is missing.");
                var last = length < StoredChunkSize;
                var textLength = length - TagSize;
                Span<byte> nonce = stackalloc byte[NonceSize];
                Span<byte> associated = stackalloc byte[AssociatedDataSize];
                ChunkParameters(headerHash, nextIndex, last, nonce, associated);
                // Throws AuthenticationTagMismatchException (a CryptographicException) for any change, reorder or cut.
                aes.Decrypt(nonce, cipher.AsSpan(0, textLength), cipher.AsSpan(textLength, TagSize), plain.AsSpan(0, textLength), associated);
                plainOffset = 0;
                plainCount = textLength;
                nextIndex++;
                finished = last;
            }
            catch
            {
                failed = true;
                plainCount = 0;
                throw;
            }
        }

        private int Take(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, plainCount);
            Buffers().Plain.AsSpan(plainOffset, count).CopyTo(buffer);
            plainOffset += count;
            plainCount -= count;
            return count;
        }

        private (byte[] Cipher, byte[] Plain) Buffers()
        {
            if (failed) throw new CryptographicException("The stored file failed its integrity check.");
            if (cipherBuffer is null || plainBuffer is null) throw new ObjectDisposedException(nameof(FileVault));
            return (cipherBuffer, plainBuffer);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                ReturnBuffers();
                stored.Dispose();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            ReturnBuffers();
            await stored.DisposeAsync();
            GC.SuppressFinalize(this);
        }

        private void ReturnBuffers()
        {
            aes.Dispose();
            if (plainBuffer is not null) ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
            if (cipherBuffer is not null) ArrayPool<byte>.Shared.Return(cipherBuffer);
            plainBuffer = null;
            cipherBuffer = null;
        }
    }
}
