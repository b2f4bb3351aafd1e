using System.Security.Cryptography;
using System.Text;

namespace PazPaz.Security;

/// <summary>
/// AES-256-GCM for personal and health fields. Each value carries its key version ("v2:…"), so keys can be
/// rotated without downtime: new writes use the current key, old values stay readable while their key is configured.
/// </summary>
public sealed class FieldEncryptor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<int, byte[]> keys;
    private readonly int currentVersion;

    public FieldEncryptor(IReadOnlyDictionary<int, byte[]> keys, int currentVersion)
    {
        if (!keys.ContainsKey(currentVersion)) throw new ArgumentException($"Key version {currentVersion} is not configured.");
        foreach (var (version, key) in keys)
            if (key.Length != 32) throw new ArgumentException($"Encryption key {version} must be 32 bytes (base64 of 32 random bytes).");
        this.keys = new Dictionary<int, byte[]>(keys);
        this.currentVersion = currentVersion;
        ciphers = new ThreadLocal<Dictionary<int, AesGcm>>(() => []);
    }

    /// <summary>
    /// One AesGcm per key and thread (an instance is not safe to share across threads): setting one up costs more than
    /// decrypting a name, and a client list decrypts thousands of names at once (see ClientDirectory).
    /// </summary>
    private readonly ThreadLocal<Dictionary<int, AesGcm>> ciphers;

    private AesGcm Cipher(int version)
    {
        var mine = ciphers.Value!;
        if (!mine.TryGetValue(version, out var cipher)) mine[version] = cipher = new AesGcm(keys[version], TagSize);
        return cipher;
    }

    public string Encrypt(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Cipher(currentVersion).Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), FieldAssociatedData(currentVersion));
        return $"v{currentVersion}:{Convert.ToBase64String(output)}";
    }

    public string Decrypt(string stored)
    {
        var colon = stored.IndexOf(':');
        if (colon < 2 || stored[0] != 'v' || !int.TryParse(stored.AsSpan(1, colon - 1), out var version))
            throw new CryptographicException("The stored value is not in the encrypted format.");
        if (!keys.ContainsKey(version))
            throw new CryptographicException($"Encryption key version {version} is not configured.");
        var data = Convert.FromBase64String(stored[(colon + 1)..]);
        var plain = new byte[data.Length - NonceSize - TagSize];
        Cipher(version).Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, plain.Length), data.AsSpan(NonceSize + plain.Length), plain, FieldAssociatedData(version));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// True for a value written by <see cref="Encrypt"/> ("v&lt;digits&gt;:…"). Columns encrypted after they held
    /// plaintext (client identity, appointment notes) hold both until <c>PlaintextEncryption</c> has run over them.
    /// </summary>
    public static bool LooksEncrypted(string stored)
    {
        var colon = stored.IndexOf(':');
        if (colon < 2 || stored[0] != 'v') return false;
        for (var i = 1; i < colon; i++) if (!char.IsAsciiDigit(stored[i])) return false;
        return true;
    }

    /// <summary>
    /// <see cref="Decrypt"/> for a value in the encrypted format, the value itself otherwise (a row not yet encrypted
    /// by <c>PlaintextEncryption</c>). A value in the format that does not decrypt still throws: it is never shown as text.
    /// </summary>
    public string DecryptOrPlain(string stored)
    {
        if (!LooksEncrypted(stored)) return stored;
        // A feed or a week view reads the same client's name once per appointment: the last few hundred values read on
        // this thread are decrypted once. They are names already in memory in the entities read with them.
        var recent = recentlyDecrypted.Value!;
        if (recent.TryGetValue(stored, out var plain)) return plain;
        if (recent.Count >= RecentlyDecryptedCapacity) recent.Clear();
        return recent[stored] = Decrypt(stored);
    }

    private const int RecentlyDecryptedCapacity = 512;
    private readonly ThreadLocal<Dictionary<string, string>> recentlyDecrypted = new(() => new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The key version new values and new file keys are encrypted under.</summary>
    public int CurrentKeyVersion => currentVersion;

    /// <summary>Length of a wrapped key: nonce, the 32-byte key encrypted, tag.</summary>
    public const int WrappedKeySize = NonceSize + 32 + TagSize;

    /// <summary>
    /// Encrypts a 256-bit per-file key under the current master key (AES-256-GCM with a random nonce). The associated data
    /// differs from the fields' ("pazpaz-file-key-v{n}"), so a wrapped key can never be passed off as a field value or back.
    /// </summary>
    public (int Version, byte[] Wrapped) WrapKey(ReadOnlySpan<byte> fileKey)
    {
        if (fileKey.Length != 32) throw new ArgumentException("A file key is 32 bytes.", nameof(fileKey));
        var wrapped = new byte[WrappedKeySize];
        var nonce = wrapped.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys[currentVersion], TagSize);
        aes.Encrypt(nonce, fileKey, wrapped.AsSpan(NonceSize, 32), wrapped.AsSpan(NonceSize + 32), KeyAssociatedData(currentVersion));
        return (currentVersion, wrapped);
    }

    /// <summary>The per-file key wrapped by <see cref="WrapKey"/> under key <paramref name="version"/>.</summary>
    /// <exception cref="CryptographicException">The version is not configured, or the wrapped key was altered or made under another key.</exception>
    public byte[] UnwrapKey(int version, ReadOnlySpan<byte> wrapped)
    {
        if (!keys.TryGetValue(version, out var key))
            throw new CryptographicException($"Encryption key version {version} is not configured.");
        if (wrapped.Length != WrappedKeySize) throw new CryptographicException("The wrapped file key has the wrong length.");
        var fileKey = new byte[32];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(wrapped[..NonceSize], wrapped.Slice(NonceSize, 32), wrapped[(NonceSize + 32)..], fileKey, KeyAssociatedData(version));
        return fileKey;
    }

    private static byte[] AssociatedData(int version) => Encoding.ASCII.GetBytes($"pazpaz-field-v{version}");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> FieldAssociatedDataByVersion = new();

    private static byte[] FieldAssociatedData(int version) => FieldAssociatedDataByVersion.GetOrAdd(version, AssociatedData);

    private static byte[] KeyAssociatedData(int version) => Encoding.ASCII.GetBytes($"pazpaz-file-key-v{version}");
}
