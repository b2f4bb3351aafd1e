using System.Security.Cryptography;
using System.Text;

namespace PazPaz.Files;

/// <summary>
/// Objects as files under one root folder. Key "ws/a1/f9" is kept at ROOT/ws/a1/_3c/f9, where "_3c" is the first byte of
/// the SHA-256 of the last segment: a workspace's files spread over 256 folders, and the "_" (never allowed in a key)
/// keeps those folders apart from the key's own. Writes are atomic: a reader sees the old object or the new one, never
/// half of one.
/// </summary>
public sealed class DiskBlobStore : IBlobStore
{
    private const int CopyBufferSize = 64 * 1024;
    private readonly string root;

    /// <param name="root">The folder; a relative path is taken from the current directory. Created when missing.</param>
    public DiskBlobStore(string root)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("The storage folder is empty.", nameof(root));
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    public string Name => "disk";

    /// <summary>The absolute folder objects are kept under.</summary>
    public string Root => root;

    public async Task WriteAsync(string key, string sourcePath, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        // A name no key can have (keys never start a segment with "."), in the same folder so the rename is atomic.
        var temporary = Path.Combine(folder, $".tmp-{Guid.NewGuid():N}");
        try
        {
            await using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(target, CopyBufferSize, cancellationToken);
                // On disk before the rename makes it visible: after a crash the object is whole or still the old one.
                target.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try
        {
            // No FileStream buffer: the vault reads whole 64 KiB chunks. FileShare.Delete lets a delete or an overwrite
            // (rename) go ahead while a download is still reading the old file.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    /// <summary>The file for <paramref name="key"/>, after checking the key (see <see cref="CheckKey"/>).</summary>
    public string PathFor(string key)
    {
        CheckKey(key);
        var slash = key.LastIndexOf('/');
        var name = key[(slash + 1)..];
        var spread = "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(name)).AsSpan(0, 1));
        var folders = slash < 0 ? [] : key[..slash].Split('/');
        return Path.Combine([root, .. folders, spread, name]);
    }

    /// <summary>
    /// Keys are made by the app ("ws/&lt;guid&gt;/&lt;guid&gt;"), but a path is built from them, so anything that could
    /// leave the root or name a temporary file is refused: only a-z, 0-9, "-", "." and "/" between non-empty segments that
    /// do not start with ".".
    /// </summary>
    public static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > 512) throw new ArgumentException("A storage key is 1 to 512 characters.", nameof(key));
        foreach (var c in key)
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '/'))
                throw new ArgumentException($"A storage key has only a-z, 0-9, '-', '.' and '/' (got \"{key}\").", nameof(key));
        foreach (var segment in key.Split('/'))
            if (segment.Length == 0 || segment[0] == '.')
                throw new ArgumentException($"A storage key's segments are not empty and do not start with '.' (got \"{key}\").", nameof(key));
    }
}
