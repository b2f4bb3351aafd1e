using System.Text.RegularExpressions;
using PazPaz.Files;
using PdfSharp.Pdf.IO;
using SkiaSharp;

namespace PazPaz.Tests.Files;

/// <summary>Referral letters and reports through FileCleaner: the pages stay, who wrote them and about whom goes.</summary>
public sealed class PdfCleaningTests : IDisposable
{
    private const string Unreadable = "This PDF could not be read: it may be damaged or incomplete. Save or export it again and upload the new file.";

    private readonly Scratch _scratch = new();
    private string Output => _scratch.PathOf("cleaned.pdf");
    private string Thumbnail => _scratch.PathOf("thumbnail");

    public void Dispose() => _scratch.Dispose();

    private Task<CleanResult> CleanAsync(byte[] upload) =>
        FileCleaner.CleanAsync(_scratch.Write("upload.pdf", upload), FileKind.Pdf, Output, Thumbnail, CancellationToken.None);

    private static readonly string[] Secrets =
    [
        "Dr. Secret", "Referral for Noa Cohen", "Lower back pain", "confidential, physiotherapy", "Clinic Records 7", "NC-48213",
        "Harbour Clinic front desk",
    ];

    [Fact]
    public async Task A_pdf_loses_its_document_information_and_xmp_and_keeps_its_pages()
    {
        var upload = Fixtures.PdfWithMetadata();
        var before = Fixtures.Latin1(upload);
        Assert.All(Secrets, secret => Assert.Contains(secret, before));   // the fixture carries every one of them
        Assert.Contains("<dc:creator>", before);

        var result = await CleanAsync(upload);

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(new CleanResult.Cleaned(cleaned.Length, HasThumbnail: false), result);
        Assert.False(File.Exists(Thumbnail));
        var after = Fixtures.Latin1(cleaned);
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, after));
        // PDFsharp writes its own XMP on every save, from the emptied information: title, author and subject are empty.
        Assert.Matches("<dc:creator><rdf:Seq><rdf:li></rdf:li></rdf:Seq></dc:creator>", after);
        Assert.DoesNotMatch("<rdf:li[^>]*>[^<]+</rdf:li>", after);
        Assert.Single(Regex.Matches(after, "<x:xmpmeta"));
        Assert.Equal(FileKind.Pdf, FileTypes.Detect(cleaned));

        using var reopened = PdfReader.Open(Output, PdfDocumentOpenMode.Import);
        Assert.Equal(2, reopened.PageCount);
        // What PDFsharp always writes about itself on save, and nothing else.
        Assert.Equal(["/Creator", "/Producer"], reopened.Info.Elements.Keys.Order().ToArray());
        Assert.StartsWith("PDFsharp", reopened.Info.Producer);
        Assert.Null(reopened.Pages[0].Elements["/Metadata"]);
    }

    [Fact]
    public async Task A_pdf_gets_a_new_permanent_identifier()
    {
        var upload = Fixtures.PdfWithMetadata();
        await CleanAsync(upload);

        using var original = PdfReader.Open(new MemoryStream(upload), PdfDocumentOpenMode.Import);
        using var cleaned = PdfReader.Open(Output, PdfDocumentOpenMode.Import);
        Assert.NotEqual(original.Internals.FirstDocumentID, cleaned.Internals.FirstDocumentID);
    }

    [Fact]
    public async Task A_pdf_that_needs_a_password_to_open_is_refused()
    {
        var upload = Fixtures.PdfWithMetadata(d =>
        {
            d.SecuritySettings.UserPassword = "open";
            d.SecuritySettings.OwnerPassword = "change";
        });

        var result = await CleanAsync(upload);

        Assert.Equal(new CleanResult.Refused("This PDF is password-protected; remove the password and upload it again."), result);
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task A_pdf_locked_against_changes_is_refused_with_its_own_message()
    {
        var upload = Fixtures.PdfWithMetadata(d =>
        {
            d.SecuritySettings.OwnerPassword = "change";
            d.SecuritySettings.PermitModifyDocument = false;
        });

        var result = await CleanAsync(upload);

        var refused = Assert.IsType<CleanResult.Refused>(result);
        Assert.StartsWith("This PDF is locked against changes with a password", refused.Message);
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task A_png_that_starts_with_the_pdf_signature_is_refused_as_unreadable()
    {
        using var bitmap = Fixtures.Quadrants(16, 16);
        byte[] polyglot = [.. "%PDF-"u8, .. Fixtures.Encode(bitmap, SKEncodedImageFormat.Png)];
        Assert.Equal(FileKind.Pdf, FileTypes.Detect(polyglot));

        Assert.Equal(new CleanResult.Refused(Unreadable), await CleanAsync(polyglot));
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task A_pdf_header_with_nothing_after_it_is_refused_as_unreadable()
    {
        Assert.Equal(new CleanResult.Refused(Unreadable), await CleanAsync("%PDF-1.7\n"u8.ToArray()));
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task A_pdf_cut_off_before_its_cross_reference_table_is_refused_as_unreadable()
    {
        var whole = Fixtures.PdfWithMetadata();
        Assert.Equal(new CleanResult.Refused(Unreadable), await CleanAsync(whole[..(whole.Length / 3)]));
        Assert.False(File.Exists(Output));
    }
}
