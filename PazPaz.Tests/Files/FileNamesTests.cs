using PazPaz.Files;

namespace PazPaz.Tests.Files;

/// <summary>The names files are shown and downloaded under: one plain segment, visible characters, the real extension.</summary>
public sealed class FileNamesTests
{
    [Theory]
    [InlineData("../../x.pdf", FileKind.Pdf, "x.pdf")]
    [InlineData("C:\\Users\\a\\scan.pdf", FileKind.Pdf, "scan.pdf")]
    [InlineData("/home/dana/Referrals/noa.pdf", FileKind.Pdf, "noa.pdf")]
    [InlineData("a\r\nb.png", FileKind.Png, "ab.png")]
    [InlineData("tab\there.png", FileKind.Png, "tabhere.png")]
    [InlineData("nul\0byte.pdf", FileKind.Pdf, "nulbyte.pdf")]
    [InlineData("c1\u0085\u009Bcontrols\u007F.pdf", FileKind.Pdf, "c1controls.pdf")]
    [InlineData("invoice\u202Egnp.exe", FileKind.Png, "invoicegnp.png")]     // shows as "invoiceexe.png" before cleaning
    [InlineData("invoice\u202Egnp.exe", FileKind.Pdf, "invoicegnp.pdf")]
    [InlineData("\u2066isolated\u2069 \u200Emarks\u200F \u061Cand\u202A\u202B\u202C\u202D.pdf", FileKind.Pdf, "isolated marks and.pdf")]
    [InlineData("in\u200Bvo\u2060ice\uFEFF.pdf", FileKind.Pdf, "invoice.pdf")]   // zero-width space, word joiner, BOM
    [InlineData("Cafe\u0301.pdf", FileKind.Pdf, "Caf\u00E9.pdf")]               // NFC: e + combining acute → é
    [InlineData("line\u2028break\u00A0space.pdf", FileKind.Pdf, "line break space.pdf")]
    [InlineData("Report: May <final> \"v2\" | a?b*.pdf", FileKind.Pdf, "Report_ May _final_ _v2_ _ a_b_.pdf")]
    [InlineData("CON.pdf", FileKind.Pdf, "_CON.pdf")]
    [InlineData("con", FileKind.Pdf, "_con.pdf")]
    [InlineData("Aux.tar.pdf", FileKind.Pdf, "_Aux.tar.pdf")]
    [InlineData("LPT9.png", FileKind.Png, "_LPT9.png")]
    [InlineData("COM\u00B9.pdf", FileKind.Pdf, "_COM\u00B9.pdf")]
    [InlineData("COM10.pdf", FileKind.Pdf, "COM10.pdf")]
    [InlineData("CONTRACT.pdf", FileKind.Pdf, "CONTRACT.pdf")]
    [InlineData("   ", FileKind.Pdf, "file.pdf")]
    [InlineData(null, FileKind.Pdf, "file.pdf")]
    [InlineData("", FileKind.Jpeg, "file.jpg")]
    [InlineData("...", FileKind.Webp, "file.webp")]
    [InlineData("C:\\Users\\a\\", FileKind.Pdf, "file.pdf")]
    [InlineData("\u202E", FileKind.Png, "file.png")]
    [InlineData(".hidden", FileKind.Pdf, "hidden.pdf")]
    [InlineData("  scan.pdf. ", FileKind.Pdf, "scan.pdf")]
    [InlineData("scan .pdf", FileKind.Pdf, "scan.pdf")]
    [InlineData("IMG_1234.JPEG", FileKind.Jpeg, "IMG_1234.jpeg")]
    [InlineData("IMG_1234.jpeg", FileKind.Jpeg, "IMG_1234.jpeg")]
    [InlineData("IMG_1234.JPG", FileKind.Jpeg, "IMG_1234.jpg")]
    [InlineData("IMG_1234.heic", FileKind.Jpeg, "IMG_1234.jpg")]
    [InlineData("IMG_1234.jpeg", FileKind.Png, "IMG_1234.png")]
    [InlineData("photo.png", FileKind.Jpeg, "photo.jpg")]
    [InlineData("letter.docx", FileKind.Pdf, "letter.pdf")]
    [InlineData("Session 12.03.2024", FileKind.Pdf, "Session 12.03.2024.pdf")]  // a date is not an extension
    [InlineData("Dr. Levi letter", FileKind.Pdf, "Dr. Levi letter.pdf")]
    [InlineData("\u05D4\u05E4\u05E0\u05D9\u05D4.pdf", FileKind.Pdf, "\u05D4\u05E4\u05E0\u05D9\u05D4.pdf")] // Hebrew stays as it is
    public void Names_are_cleaned_to_one_visible_segment_with_the_real_extension(string? name, FileKind kind, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(name, kind));

    [Fact]
    public void Lone_surrogates_are_dropped()
    {
        // Built here: attribute arguments cannot carry a lone surrogate (it arrives as U+FFFD).
        var name = "lone" + '\uD800' + "surrogate" + '\uDC00' + "s.pdf";
        Assert.Equal("lonesurrogates.pdf", FileNames.Sanitize(name, FileKind.Pdf));
        Assert.Equal("ok\U0001F44D.pdf", FileNames.Sanitize("ok\U0001F44D.pdf", FileKind.Pdf));   // a proper pair stays
    }

    [Fact]
    public void A_300_character_name_is_cut_to_120_characters_keeping_the_extension()
    {
        var name = new string('a', 296) + ".pdf";
        Assert.Equal(new string('a', 116) + ".pdf", FileNames.Sanitize(name, FileKind.Pdf));
    }

    [Fact]
    public void An_emoji_that_fits_is_kept_whole_at_the_cut()
    {
        var name = new string('a', 114) + "\U0001F44D" + "bbbb.pdf";     // 👍 is two UTF-16 units, ending exactly at 116
        Assert.Equal(new string('a', 114) + "\U0001F44D.pdf", FileNames.Sanitize(name, FileKind.Pdf));
    }

    [Fact]
    public void An_emoji_across_the_cut_is_dropped_whole_never_split()
    {
        var split = new string('a', 115) + "\U0001F44D" + "bbbb.pdf";    // its second half would be unit 117
        Assert.Equal(new string('a', 115) + ".pdf", FileNames.Sanitize(split, FileKind.Pdf));

        var toned = new string('a', 113) + "\U0001F44D\U0001F3FD" + "bb.pdf";   // 👍🏽: one character, four units, across the cut
        Assert.Equal(new string('a', 113) + ".pdf", FileNames.Sanitize(toned, FileKind.Pdf));
    }

    [Fact]
    public void A_cut_that_leaves_a_trailing_dot_or_space_drops_it_too()
    {
        var name = new string('a', 114) + " .bbbbbbbbbb.pdf";
        Assert.Equal(new string('a', 114) + ".pdf", FileNames.Sanitize(name, FileKind.Pdf));
    }

    [Fact]
    public void Every_result_is_within_the_limit_and_ends_with_the_extension()
    {
        var names = new[] { new string('x', 500), new string('.', 500), "CON" + new string(' ', 300) + "x", new string('\u00E9', 200) + ".jpeg" };
        foreach (var kind in Enum.GetValues<FileKind>())
            foreach (var name in names)
            {
                var clean = FileNames.Sanitize(name, kind);
                Assert.InRange(clean.Length, 1, FileNames.MaxLength);
                Assert.EndsWith(kind == FileKind.Jpeg && name.EndsWith(".jpeg") ? ".jpeg" : FileTypes.Extension(kind), clean);
                Assert.False(clean.StartsWith("CON ", StringComparison.Ordinal));
            }
    }

    [Theory]
    [InlineData(null, "Enter a name for the file.")]
    [InlineData("", "Enter a name for the file.")]
    [InlineData("   ", "Enter a name for the file.")]
    [InlineData(" . ", "Enter a name for the file.")]
    [InlineData("\u202E\u200B", "Enter a name for the file.")]
    [InlineData("notes/2024", "A file name cannot contain any of these characters: \\ / : * ? \" < > |")]
    [InlineData("what?", "A file name cannot contain any of these characters: \\ / : * ? \" < > |")]
    [InlineData("Referral from Dr. Levi.pdf", null)]
    [InlineData("\u05D4\u05E4\u05E0\u05D9\u05D4", null)]
    public void Renames_are_checked_in_plain_words(string? name, string? problem) =>
        Assert.Equal(problem, FileNames.Problem(name));

    [Fact]
    public void A_rename_may_be_120_characters_but_not_121()
    {
        Assert.Null(FileNames.Problem(new string('a', 120)));
        Assert.Equal("The name can be at most 120 characters.", FileNames.Problem(new string('a', 121)));
    }
}
