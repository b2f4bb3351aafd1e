namespace PazPaz.Files;

/// <summary>What cleaning made of an upload: a file to keep, or a reason, in the therapist's words, to refuse it.</summary>
public abstract record CleanResult
{
    private CleanResult() { }

    /// <summary>The cleaned file was written; <paramref name="Length"/> is its size in bytes.</summary>
    public sealed record Cleaned(long Length, bool HasThumbnail) : CleanResult;

    /// <summary>Nothing was kept; <paramref name="Message"/> is shown to the therapist as it is.</summary>
    public sealed record Refused(string Message) : CleanResult;
}

/// <summary>
/// Rewrites an upload so that only what the therapist sees is kept: images are decoded and encoded again (no EXIF and
/// its GPS position, XMP, comments or text chunks; the phone's orientation applied to the pixels; a pixel limit read from
/// the header before anything is decoded), PDFs lose their document information and XMP metadata. Bad input is never an
/// exception: it is a <see cref="CleanResult.Refused"/> with a message; cancellation still throws.
/// </summary>
public static class FileCleaner
{
    /// <summary>A 48 MP phone photo passes; a decompression bomb (a small file claiming 30000 × 30000) does not.</summary>
    public const long MaxPixels = ImageCleaner.MaxPixels;

    /// <summary>Thumbnails fit in a square of this many pixels.</summary>
    public const int ThumbnailSize = ImageCleaner.ThumbnailSize;

    // A decoded 50 MP image takes 200 MB, and turning it upright another 200 MB for a moment: two at a time keeps a
    // burst of uploads from asking for gigabytes at once.
    private static readonly SemaphoreSlim ImageGate = new(2);
    // PDFsharp holds a whole document in memory while it rewrites it (~11 MB for a 10 MiB PDF): the same two at a time.
    private static readonly SemaphoreSlim PdfGate = new(2);

    public static async Task<CleanResult> CleanAsync(string inputPath, FileKind kind, string outputPath, string thumbnailPath, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var gate = kind == FileKind.Pdf ? PdfGate : ImageGate;
        await gate.WaitAsync(ct);
        try
        {
            return kind == FileKind.Pdf
                ? await Task.Run(() => PdfCleaner.Clean(inputPath, outputPath, ct), ct)
                : await Task.Run(() => ImageCleaner.Clean(inputPath, kind, outputPath, thumbnailPath, ct), ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Removes a half-written output so that a refusal never leaves a file behind.</summary>
    internal static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
