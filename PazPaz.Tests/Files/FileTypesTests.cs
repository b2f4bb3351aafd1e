using System.Text;
using PazPaz.Files;
using SkiaSharp;

namespace PazPaz.Tests.Files;

/// <summary>The kind of an upload comes from its first bytes, whatever its name says.</summary>
public sealed class FileTypesTests
{
    [Fact]
    public void Real_jpeg_png_webp_and_pdf_files_are_recognised_from_their_first_16_bytes()
    {
        using var bitmap = Fixtures.Quadrants(8, 8);
        Assert.Equal(FileKind.Jpeg, FileTypes.Detect(Fixtures.Encode(bitmap, SKEncodedImageFormat.Jpeg).AsSpan(0, FileTypes.HeadLength)));
        Assert.Equal(FileKind.Png, FileTypes.Detect(Fixtures.Encode(bitmap, SKEncodedImageFormat.Png).AsSpan(0, FileTypes.HeadLength)));
        Assert.Equal(FileKind.Webp, FileTypes.Detect(Fixtures.Encode(bitmap, SKEncodedImageFormat.Webp).AsSpan(0, FileTypes.HeadLength)));
        Assert.Equal(FileKind.Pdf, FileTypes.Detect(Fixtures.PdfWithMetadata().AsSpan(0, FileTypes.HeadLength)));
    }

    [Theory]
    [InlineData("MZ\u0090\0\u0003\0\0\0\u0004\0\0\0\u00FF\u00FF\0\0")]   // a Windows program, whatever it is called
    [InlineData("PK\u0003\u0004\u0014\0\0\0\u0008\0")]                 // zip (and so docx, xlsx)
    [InlineData("GIF89a\u0001\0\u0001\0")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\">")]
    [InlineData("<!DOCTYPE html><html>")]
    [InlineData(" %PDF-1.7")]                                          // a PDF header not at the very start
    [InlineData("\r\n%PDF-1.7")]
    [InlineData("RIFF\u0024\0\0\0WAVEfmt ")]                           // RIFF, but audio
    [InlineData("RIFF\u0024\0\0")]                                     // RIFF cut short
    [InlineData("\u0089PNG\r\n\u001A")]                                // 7 of the 8 PNG signature bytes
    [InlineData("\u00FF\u00D8")]                                       // 2 of the 3 JPEG bytes
    [InlineData("")]
    public void Anything_but_the_four_kinds_is_no_kind(string head) =>
        Assert.Null(FileTypes.Detect(Encoding.Latin1.GetBytes(head)));

    [Fact]
    public void A_file_that_starts_like_a_pdf_is_a_pdf_to_detection_even_when_the_rest_is_a_png()
    {
        using var bitmap = Fixtures.Quadrants(8, 8);
        byte[] polyglot = [.. "%PDF-"u8, .. Fixtures.Encode(bitmap, SKEncodedImageFormat.Png)];
        Assert.Equal(FileKind.Pdf, FileTypes.Detect(polyglot));
    }

    [Theory]
    [InlineData(FileKind.Jpeg, "image/jpeg", ".jpg")]
    [InlineData(FileKind.Png, "image/png", ".png")]
    [InlineData(FileKind.Webp, "image/webp", ".webp")]
    [InlineData(FileKind.Pdf, "application/pdf", ".pdf")]
    public void Each_kind_has_one_content_type_and_one_extension(FileKind kind, string contentType, string extension)
    {
        Assert.Equal(contentType, FileTypes.ContentType(kind));
        Assert.Equal(extension, FileTypes.Extension(kind));
    }

    [Fact]
    public void The_upload_limit_is_10_MiB() => Assert.Equal(10_485_760, FileTypes.MaxUploadBytes);
}
