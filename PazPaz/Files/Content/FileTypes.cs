namespace PazPaz.Files;

/// <summary>
/// Which of the four kinds a file is, decided by its first bytes only: never by its name or the browser's Content-Type,
/// which the uploader controls. Anything else (programs, archives, GIF, SVG, HTML, an empty file) is no kind at all.
/// </summary>
public static class FileTypes
{
    public const long MaxUploadBytes = 10 * 1024 * 1024;

    /// <summary>How many leading bytes <see cref="Detect"/> looks at; reading this many is always enough.</summary>
    public const int HeadLength = 16;

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Riff => "RIFF"u8;
    private static ReadOnlySpan<byte> Webp => "WEBP"u8;
    // At offset 0 only: readers that skip leading junk are how polyglot files (HTML or a ZIP that is also a "PDF") get in.
    private static ReadOnlySpan<byte> Pdf => "%PDF-"u8;

    public static FileKind? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Jpeg)) return FileKind.Jpeg;
        if (head.StartsWith(Png)) return FileKind.Png;
        if (head.Length >= 12 && head.StartsWith(Riff) && head[8..12].SequenceEqual(Webp)) return FileKind.Webp;
        if (head.StartsWith(Pdf)) return FileKind.Pdf;
        return null;
    }

    public static string ContentType(FileKind kind) => kind switch
    {
        FileKind.Jpeg => "image/jpeg",
        FileKind.Png => "image/png",
        FileKind.Webp => "image/webp",
        FileKind.Pdf => "application/pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Extension(FileKind kind) => kind switch
    {
        FileKind.Jpeg => ".jpg",
        FileKind.Png => ".png",
        FileKind.Webp => ".webp",
        FileKind.Pdf => ".pdf",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind of a stored file, from the content type <see cref="ContentType"/> gave it.</summary>
    public static FileKind FromContentType(string contentType) =>
        Enum.GetValues<FileKind>().FirstOrDefault(kind => ContentType(kind) == contentType, FileKind.Pdf);

    /// <summary>The name a therapist knows the format by, for messages and lists: "JPEG", "PNG", "WebP", "PDF".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Jpeg => "JPEG",
        FileKind.Png => "PNG",
        FileKind.Webp => "WebP",
        FileKind.Pdf => "PDF",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
