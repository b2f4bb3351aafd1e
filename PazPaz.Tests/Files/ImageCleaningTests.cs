using System.Text;
using PazPaz.Files;
using SkiaSharp;

namespace PazPaz.Tests.Files;

/// <summary>Photos and scans through FileCleaner: metadata gone, pixels kept, orientation applied, bombs refused.</summary>
public sealed class ImageCleaningTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private string Output => _scratch.PathOf("cleaned");
    private string Thumbnail => _scratch.PathOf("thumbnail");

    public void Dispose() => _scratch.Dispose();

    private Task<CleanResult> CleanAsync(byte[] upload, FileKind kind) =>
        FileCleaner.CleanAsync(_scratch.Write("upload", upload), kind, Output, Thumbnail, CancellationToken.None);

    [Fact]
    public async Task A_phone_photo_loses_its_exif_gps_and_comment_and_is_turned_upright()
    {
        using var stored = Fixtures.Quadrants(64, 32);   // as the sensor stored it: landscape, EXIF says "turn 90° clockwise"
        var upload = Fixtures.WithExif(Fixtures.Encode(stored, SKEncodedImageFormat.Jpeg), Fixtures.Tiff(orientation: 6), "Dr. Secret's phone");
        Assert.Equal(SKEncodedOrigin.RightTop, Origin(upload));   // the fixture is what it claims to be
        Assert.True(Contains(upload, Fixtures.Latitude));

        var result = await CleanAsync(upload, FileKind.Jpeg);

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(new CleanResult.Cleaned(cleaned.Length, HasThumbnail: true), result);
        Assert.Equal(FileKind.Jpeg, FileTypes.Detect(cleaned));
        var markers = Fixtures.JpegMarkers(cleaned);
        Assert.DoesNotContain(markers, m => m is >= 0xE1 and <= 0xEF || m == 0xFE);   // no APP1–APP15 (EXIF, XMP, ICC), no comment
        Assert.False(Contains(cleaned, "Exif"u8.ToArray()));
        Assert.False(Contains(cleaned, Fixtures.Latitude));
        Assert.False(Contains(cleaned, Fixtures.Longitude));
        Assert.False(Contains(cleaned, "Dr. Secret"u8.ToArray()));

        using var upright = SKBitmap.Decode(Output);
        Assert.Equal((32, 64), (upright.Width, upright.Height));
        Assert.Equal(SKEncodedOrigin.TopLeft, Origin(cleaned));
        // Turned a quarter clockwise: what was bottom left is now top left, and so on round.
        AssertNear(Fixtures.Blue, upright.GetPixel(8, 16));
        AssertNear(Fixtures.Red, upright.GetPixel(24, 16));
        AssertNear(Fixtures.White, upright.GetPixel(8, 48));
        AssertNear(Fixtures.Green, upright.GetPixel(24, 48));

        using var thumbnail = SKCodec.Create(Thumbnail);
        Assert.Equal(SKEncodedImageFormat.Webp, thumbnail.EncodedFormat);
        Assert.Equal((32, 64), (thumbnail.Info.Width, thumbnail.Info.Height));   // small images are not enlarged
    }

    /// <summary>
    /// Each EXIF orientation, with what the EXIF specification says the viewer sees. Stored: red top left, green top
    /// right, blue bottom left, white bottom right; expected: top left, top right, bottom left, bottom right.
    /// </summary>
    [Theory]
    [InlineData(1, "RGBW")]
    [InlineData(2, "GRWB")]   // mirrored
    [InlineData(3, "WBGR")]   // upside down
    [InlineData(4, "BWRG")]   // mirrored top to bottom
    [InlineData(5, "RBGW")]   // row 0 is the left side, column 0 the top
    [InlineData(6, "BRWG")]   // row 0 is the right side, column 0 the top
    [InlineData(7, "WGBR")]   // row 0 is the right side, column 0 the bottom
    [InlineData(8, "GWRB")]   // row 0 is the left side, column 0 the bottom
    public async Task Every_exif_orientation_is_applied_as_the_phone_showed_it(int orientation, string quadrants)
    {
        using var stored = Fixtures.Quadrants(64, 32);
        var upload = Fixtures.WithExif(Fixtures.Encode(stored, SKEncodedImageFormat.Jpeg), Fixtures.Tiff((ushort)orientation), "phone");

        Assert.IsType<CleanResult.Cleaned>(await CleanAsync(upload, FileKind.Jpeg));

        using var upright = SKBitmap.Decode(Output);
        var (w, h) = orientation >= 5 ? (32, 64) : (64, 32);
        Assert.Equal((w, h), (upright.Width, upright.Height));
        var colours = quadrants.Select(c => c switch { 'R' => Fixtures.Red, 'G' => Fixtures.Green, 'B' => Fixtures.Blue, _ => Fixtures.White }).ToArray();
        AssertNear(colours[0], upright.GetPixel(w / 4, h / 4));
        AssertNear(colours[1], upright.GetPixel(w * 3 / 4, h / 4));
        AssertNear(colours[2], upright.GetPixel(w / 4, h * 3 / 4));
        AssertNear(colours[3], upright.GetPixel(w * 3 / 4, h * 3 / 4));
    }

    [Fact]
    public async Task A_png_loses_its_text_and_exif_chunks_and_keeps_every_pixel_and_its_transparency()
    {
        using var original = Fixtures.Gradient(40, 30);
        var upload = Fixtures.WithChunks(Fixtures.Encode(original, SKEncodedImageFormat.Png),
            Fixtures.PngChunk("tEXt", Encoding.Latin1.GetBytes("Author\0Dr. Secret")),
            Fixtures.PngChunk("iTXt", Encoding.UTF8.GetBytes("Comment\0\0\0\0\0Session with Noa Cohen")),
            Fixtures.PngChunk("zTXt", [.. "Software\0\0"u8, 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
            Fixtures.PngChunk("eXIf", Fixtures.Tiff(orientation: null)));
        Assert.Contains("eXIf", Fixtures.PngChunkTypes(upload));

        var result = await CleanAsync(upload, FileKind.Png);

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(new CleanResult.Cleaned(cleaned.Length, HasThumbnail: true), result);
        // sBIT (significant bits per channel) is the one extra chunk Skia's encoder writes; it says nothing about anyone.
        Assert.All(Fixtures.PngChunkTypes(cleaned), type => Assert.Contains(type, new[] { "IHDR", "sBIT", "IDAT", "IEND" }));
        Assert.False(Contains(cleaned, "Dr. Secret"u8.ToArray()));
        Assert.False(Contains(cleaned, "Noa Cohen"u8.ToArray()));
        Assert.False(Contains(cleaned, Fixtures.Latitude));
        Assert.Equal(Pixels(Fixtures.Encode(original, SKEncodedImageFormat.Png)), Pixels(cleaned));
    }

    [Fact]
    public async Task A_webp_loses_its_exif_and_xmp_is_encoded_again_and_still_decodes()
    {
        using var stored = Fixtures.Quadrants(64, 32);
        var upload = Fixtures.WebpWithMetadata(Fixtures.Encode(stored, SKEncodedImageFormat.Webp, 90), 64, 32,
            Fixtures.Tiff(orientation: 6), "<x:xmpmeta>Dr. Secret</x:xmpmeta>");
        Assert.Equal(FileKind.Webp, FileTypes.Detect(upload));

        var result = await CleanAsync(upload, FileKind.Webp);

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(new CleanResult.Cleaned(cleaned.Length, HasThumbnail: true), result);
        Assert.Equal(FileKind.Webp, FileTypes.Detect(cleaned));
        Assert.False(Contains(cleaned, "EXIF"u8.ToArray()));
        Assert.False(Contains(cleaned, "XMP "u8.ToArray()));
        Assert.False(Contains(cleaned, "Dr. Secret"u8.ToArray()));
        Assert.False(Contains(cleaned, Fixtures.Latitude));
        using var upright = SKBitmap.Decode(Output);
        Assert.Equal((32, 64), (upright.Width, upright.Height));
        AssertNear(Fixtures.Blue, upright.GetPixel(8, 16));
        AssertNear(Fixtures.Green, upright.GetPixel(24, 48));
    }

    [Fact]
    public async Task A_transparent_webp_keeps_its_transparency()
    {
        using var original = Fixtures.Gradient(40, 30);
        var result = await CleanAsync(Fixtures.Encode(original, SKEncodedImageFormat.Webp, 100), FileKind.Webp);

        Assert.IsType<CleanResult.Cleaned>(result);
        using var codec = SKCodec.Create(Output);
        Assert.NotEqual(SKAlphaType.Opaque, codec.Info.AlphaType);
        using var cleaned = SKBitmap.Decode(Output);
        Assert.InRange(cleaned.GetPixel(0, 0).Alpha, 30, 50);   // the fixture's alpha there is 40
    }

    [Fact]
    public async Task A_grey_scan_stays_grey_and_keeps_every_pixel()
    {
        using var scan = Fixtures.Grey(60, 40);
        var png = Fixtures.Encode(scan, SKEncodedImageFormat.Png);
        Assert.Equal(0, png[25]);   // IHDR colour type 0: greyscale

        Assert.IsType<CleanResult.Cleaned>(await CleanAsync(png, FileKind.Png));

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(0, cleaned[25]);
        Assert.Equal(Pixels(png), Pixels(cleaned));
        using var thumbnail = SKCodec.Create(Thumbnail);
        Assert.Equal((60, 40), (thumbnail.Info.Width, thumbnail.Info.Height));
    }

    [Fact]
    public async Task A_grey_jpeg_stays_grey_and_is_turned_upright()
    {
        using var scan = Fixtures.Grey(60, 40);
        var upload = Fixtures.WithExif(Fixtures.Encode(scan, SKEncodedImageFormat.Jpeg), Fixtures.Tiff(orientation: 8), "scanner");
        Assert.Equal(1, Fixtures.JpegComponents(upload));

        Assert.IsType<CleanResult.Cleaned>(await CleanAsync(upload, FileKind.Jpeg));

        var cleaned = File.ReadAllBytes(Output);
        Assert.Equal(1, Fixtures.JpegComponents(cleaned));
        using var upright = SKBitmap.Decode(Output);
        Assert.Equal((40, 60), (upright.Width, upright.Height));
        // Turned a quarter anticlockwise: the stored top-right corner (x = 59, so brightest) is now top left.
        Assert.True(upright.GetPixel(2, 2).Red > 200, $"top left is {upright.GetPixel(2, 2)}");
        Assert.True(upright.GetPixel(2, 57).Red < 50, $"bottom left is {upright.GetPixel(2, 57)}");
    }

    [Fact]
    public async Task The_thumbnail_is_a_webp_that_fits_in_320_pixels_and_keeps_the_aspect()
    {
        using var wide = Fixtures.Quadrants(1000, 500);
        var result = await CleanAsync(Fixtures.Encode(wide, SKEncodedImageFormat.Png), FileKind.Png);

        Assert.IsType<CleanResult.Cleaned>(result);
        using var thumbnail = SKCodec.Create(Thumbnail);
        Assert.Equal(SKEncodedImageFormat.Webp, thumbnail.EncodedFormat);
        Assert.Equal((320, 160), (thumbnail.Info.Width, thumbnail.Info.Height));
    }

    [Fact]
    public async Task A_header_claiming_30000_by_30000_pixels_is_refused_from_the_header_alone()
    {
        var bomb = Fixtures.PngHeaderOnly(30_000, 30_000);
        Assert.True(bomb.Length < 100);

        var result = await CleanAsync(bomb, FileKind.Png);

        // This message is produced only before decoding: decoding would have needed 3.6 GB for the pixels.
        Assert.Equal(new CleanResult.Refused("This image is 30000 × 30000 pixels; the limit is 50 megapixels."), result);
        Assert.False(File.Exists(Output));
        Assert.False(File.Exists(Thumbnail));
    }

    [Fact]
    public async Task A_48_megapixel_photo_is_within_the_limit()
    {
        // 8000 × 6000 passes the size check; the file then has no pixel data, so it fails as unreadable instead.
        var result = await CleanAsync(Fixtures.PngHeaderOnly(8000, 6000), FileKind.Png);

        var refused = Assert.IsType<CleanResult.Refused>(result);
        Assert.StartsWith("This file says it is a PNG image but it cannot be read", refused.Message);
    }

    [Fact]
    public async Task A_truncated_jpeg_is_refused_without_an_exception_and_leaves_no_file()
    {
        using var noise = Fixtures.Noise(200, 200);
        var whole = Fixtures.Encode(noise, SKEncodedImageFormat.Jpeg, 90);

        var result = await CleanAsync(whole[..(whole.Length / 2)], FileKind.Jpeg);

        Assert.Equal(new CleanResult.Refused("This file says it is a JPEG image but it cannot be read: it may be damaged or incomplete. " +
            "Save or export it again and upload the new file."), result);
        Assert.False(File.Exists(Output));
    }

    [Theory]
    [InlineData(FileKind.Jpeg)]
    [InlineData(FileKind.Png)]
    [InlineData(FileKind.Webp)]
    public async Task Garbage_after_a_valid_signature_is_refused_as_unreadable(FileKind kind)
    {
        byte[] head = kind switch
        {
            FileKind.Jpeg => [0xFF, 0xD8, 0xFF],
            FileKind.Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            _ => [.. "RIFF"u8, 100, 0, 0, 0, .. "WEBP"u8],
        };
        var result = await CleanAsync([.. head, .. Enumerable.Range(0, 200).Select(i => (byte)(i * 31))], kind);

        Assert.IsType<CleanResult.Refused>(result);
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task A_png_cleaned_as_a_jpeg_is_refused()
    {
        using var bitmap = Fixtures.Quadrants(8, 8);
        var result = await CleanAsync(Fixtures.Encode(bitmap, SKEncodedImageFormat.Png), FileKind.Jpeg);
        Assert.IsType<CleanResult.Refused>(result);
    }

    [Fact]
    public async Task Cancellation_is_an_exception_not_a_refusal()
    {
        using var bitmap = Fixtures.Quadrants(8, 8);
        var path = _scratch.Write("upload", Fixtures.Encode(bitmap, SKEncodedImageFormat.Png));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FileCleaner.CleanAsync(path, FileKind.Png, Output, Thumbnail, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void The_native_skia_library_loads_on_this_machine() =>
        Assert.True(SkiaSharpVersion.Native >= new Version(156, 0), $"libSkiaSharp {SkiaSharpVersion.Native}");

    private static SKEncodedOrigin Origin(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        return codec.EncodedOrigin;
    }

    private static byte[] Pixels(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, pixels));
        return pixels;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>JPEG and lossy WebP are lossy: flat colours come back within a few levels.</summary>
    private static void AssertNear(SKColor expected, SKColor actual, int tolerance = 24)
    {
        var near = Math.Abs(expected.Red - actual.Red) <= tolerance
            && Math.Abs(expected.Green - actual.Green) <= tolerance
            && Math.Abs(expected.Blue - actual.Blue) <= tolerance;
        Assert.True(near, $"expected about {expected}, got {actual}");
    }
}
