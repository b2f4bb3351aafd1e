// Contracts for the attachments feature (issue 11). The storage half lives in Files/Storage, the content checks in
// Files/Content; the Attachments service, pages and API build on these signatures only.
namespace PazPaz.Files;

/// <summary>The four kinds of file a practice may keep (§6), decided by content, never by name or Content-Type.</summary>
public enum FileKind { Jpeg, Png, Webp, Pdf }

/// <summary>Where encrypted objects live: local disk or an S3-compatible bucket. Holds ciphertext only.</summary>
public interface IBlobStore
{
    /// <summary>"disk" or "s3", for logs and the health page.</summary>
    string Name { get; }
    /// <summary>Stores the object at <paramref name="key"/> from a local file (replacing any object with that key).</summary>
    Task WriteAsync(string key, string sourcePath, CancellationToken cancellationToken);
    /// <summary>The object's bytes as a stream, or null when there is no such object.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);
    /// <summary>Removes the object; no error when it is already gone.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

// ---------------------------------------------------------------------------------------------------------------------
// Implemented in Files/Storage (FileVault.cs, DiskBlobStore.cs, S3BlobStore.cs, StorageOptions.cs, StorageSetup.cs):
//
//   public sealed class FileVault(IBlobStore store, FieldEncryptor encryptor)
//       // Encrypts the local plaintext file (AES-256-GCM, a random per-file key wrapped by the current versioned key,
//       // 64 KiB chunks streamed: the file is never held whole in memory) and stores it under `key`.
//       Task<long> SaveAsync(string key, string plaintextPath, CancellationToken ct);   // returns the stored (cipher) length
//       // The decrypted bytes as a forward-only stream (tampering or truncation throws CryptographicException while
//       // reading), or null when the object is gone.
//       Task<Stream?> OpenAsync(string key, CancellationToken ct);
//       Task DeleteAsync(string key, CancellationToken ct);
//
//   services.AddPazPazStorage(IConfiguration)   // IBlobStore from the "Storage" section (Provider: Disk | S3), FileVault
//   StartupCheck names every missing/invalid Storage__… setting.
//
// Implemented in Files/Content (FileTypes.cs, FileCleaner.cs, FileNames.cs):
//
//   public static class FileTypes
//       const long MaxUploadBytes = 10 * 1024 * 1024;
//       FileKind? Detect(ReadOnlySpan<byte> head);        // magic bytes; needs at most the first 16 bytes
//       string ContentType(FileKind kind); string Extension(FileKind kind);   // "image/jpeg", ".jpg", …
//
//   public static class FileCleaner
//       // Re-encodes images (no EXIF/XMP/ICC text, orientation applied, pixel limit) or strips PDF metadata, writing the
//       // cleaned file to outputPath; for images also writes a small WebP thumbnail to thumbnailPath.
//       Task<CleanResult> CleanAsync(string inputPath, FileKind kind, string outputPath, string thumbnailPath, CancellationToken ct);
//   public abstract record CleanResult { sealed record Cleaned(long Length, bool HasThumbnail); sealed record Refused(string Message); }
//
//   public static class FileNames
//       const int MaxLength = 120;
//       // The display name to keep: no path parts, control or bidi characters, reserved device names; length-limited;
//       // ends with the extension of `kind`. Never empty (falls back to e.g. "file.pdf").
//       string Sanitize(string? name, FileKind kind);
