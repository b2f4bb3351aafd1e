using System.Buffers;
using System.Globalization;
using System.Text;

namespace PazPaz.Files;

/// <summary>
/// The name a file is shown and downloaded under. It comes from the uploader's device, so it may carry folders,
/// characters that hide or reorder text ("invoice" + U+202E + "gnp.exe" shows as "invoiceexe.png"), names Windows will not save,
/// or a length no list can show; what is kept is one plain name ending in the extension of what the file really is.
/// </summary>
public static class FileNames
{
    public const int MaxLength = Domain.Attachment.MaxNameLength;
    private const string Fallback = "file";

    // Replaced rather than dropped, so "Report: May" stays readable as "Report_ May". / and \ never get here (only the
    // last path segment is kept) but stay listed for Problem.
    private static readonly SearchValues<char> Invalid = SearchValues.Create("<>:\"|?*/\\");

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    };

    public static string Sanitize(string? name, FileKind kind)
    {
        var text = LastSegment(name ?? "");
        text = ReplaceInvalid(Visible(text));
        text = TrimDotsAndSpaces(text);

        var (stem, given) = SplitExtension(text);
        var extension = kind == FileKind.Jpeg && string.Equals(given, "jpeg", StringComparison.OrdinalIgnoreCase)
            ? ".jpeg"
            : FileTypes.Extension(kind);
        var room = MaxLength - extension.Length;

        stem = TrimDotsAndSpaces(Truncate(TrimDotsAndSpaces(stem), room));
        if (stem.Length == 0) stem = Fallback;
        if (IsDeviceName(stem)) stem = TrimDotsAndSpaces(Truncate("_" + stem, room));
        return stem + extension;
    }

    /// <summary>For renames: null when <paramref name="name"/> can be used, otherwise what to tell the therapist.</summary>
    public static string? Problem(string? name)
    {
        var text = TrimDotsAndSpaces(Visible(name ?? ""));
        if (text.Length == 0) return "Enter a name for the file.";
        if (text.Length > MaxLength) return $"The name can be at most {MaxLength} characters.";
        if (text.AsSpan().ContainsAny(Invalid)) return "A file name cannot contain any of these characters: \\ / : * ? \" < > |";
        return null;
    }

    private static string LastSegment(string name) => name[(name.LastIndexOfAny(['/', '\\']) + 1)..];

    /// <summary>
    /// Drops what cannot be seen or would reorder what can: control characters (C0, DEL, C1), format characters (bidi
    /// embeddings, overrides, isolates and marks, zero-width space, word joiner, byte-order mark, soft hyphen, tag
    /// characters) and lone surrogates; other spaces and line separators become plain spaces; then NFC. The zero-width
    /// joiner and non-joiner stay: emoji sequences and Persian or Indic spelling need them, and they cannot reorder text.
    /// </summary>
    private static string Visible(string text)
    {
        var builder = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done)
            {
                rest = rest[used..];   // a lone surrogate
                continue;
            }
            rest = rest[used..];
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control) continue;
            if (category == UnicodeCategory.Format && rune.Value is not (0x200C or 0x200D)) continue;
            if (Rune.IsWhiteSpace(rune)) rune = new Rune(' ');
            builder.Append(rune);
        }
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static string ReplaceInvalid(string text)
    {
        if (!text.AsSpan().ContainsAny(Invalid)) return text;
        return string.Create(text.Length, text, static (span, source) =>
        {
            source.AsSpan().CopyTo(span);
            for (var i = 0; i < span.Length; i++)
                if (Invalid.Contains(span[i])) span[i] = '_';
        });
    }

    private static string TrimDotsAndSpaces(string text) => text.Trim(['.', ' ']);

    /// <summary>
    /// Splits off what looks like an extension: 1 to 5 ASCII letters or digits with at least one letter after the
    /// last dot. "Session 12.03.2024" has none, so it keeps its date and gains ".pdf".
    /// </summary>
    private static (string Stem, string? Extension) SplitExtension(string text)
    {
        var dot = text.LastIndexOf('.');
        if (dot <= 0) return (text, null);
        var candidate = text.AsSpan(dot + 1);
        if (candidate.Length is < 1 or > 5) return (text, null);
        foreach (var c in candidate)
            if (!char.IsAsciiLetterOrDigit(c)) return (text, null);
        if (!candidate.ContainsAnyInRange('A', 'Z') && !candidate.ContainsAnyInRange('a', 'z')) return (text, null);
        return (text[..dot], candidate.ToString());
    }

    /// <summary>At most <paramref name="max"/> UTF-16 units, cut between user-perceived characters (an emoji with its
    /// skin tone, a letter with its accents) so nothing is left half.</summary>
    private static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text.AsSpan(end));
            if (next > max) break;
            end = next;
        }
        return text[..end];
    }

    /// <summary>Windows refuses these as names whatever follows the first dot ("CON.pdf", "nul .txt").</summary>
    private static bool IsDeviceName(string stem)
    {
        var dot = stem.IndexOf('.');
        var first = (dot < 0 ? stem : stem[..dot]).TrimEnd(' ');
        return DeviceNames.Contains(first);
    }
}
