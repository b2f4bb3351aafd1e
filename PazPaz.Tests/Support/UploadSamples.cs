using System.Buffers.Binary;
using System.Text;
using PdfSharp.Pdf;
using SkiaSharp;

namespace PazPaz.Tests.Support;

/// <summary>Files as therapists upload them, made in code: photos (with a GPS tag), PDFs (with an author), and hostile ones.</summary>
public static class UploadSamples
{
    /// <summary>Text hidden in the EXIF of <see cref="JpegWithGps"/>; must never come back out.</summary>
    public const string ExifMarker = "PAZPAZ-EXIF-SECRET";
    public const string PdfAuthor = "Dr. Secret Author";

    public static byte[] Png(int width = 64, int height = 48, SKColor? color = null) => Encode(width, height, color ?? new SKColor(30, 140, 120), SKEncodedImageFormat.Png);

    public static byte[] Webp(int width = 64, int height = 48) => Encode(width, height, new SKColor(200, 80, 40), SKEncodedImageFormat.Webp);

    /// <summary>A JPEG as a phone writes it: an EXIF block with a GPS position and a description holding <see cref="ExifMarker"/>.</summary>
    public static byte[] JpegWithGps(int width = 80, int height = 60)
    {
        var jpeg = Encode(width, height, new SKColor(90, 120, 200), SKEncodedImageFormat.Jpeg);
        var exif = ExifWithGps();
        var app1 = new byte[4 + exif.Length];
        app1[0] = 0xFF; app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)(exif.Length + 2));
        exif.CopyTo(app1, 4);
        // Right after SOI (FF D8), where cameras put it.
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    public static byte[] PdfWithAuthor(int pages = 2)
    {
        using var document = new PdfDocument();
        document.Info.Author = PdfAuthor;
        document.Info.Title = "Referral for Noa Cohen";
        for (var i = 0; i < pages; i++) document.AddPage();
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    /// <summary>A valid PNG header that claims <paramref name="width"/> × <paramref name="height"/> pixels: a decompression bomb's first bytes.</summary>
    public static byte[] PngHeaderClaiming(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(output, "IHDR", ihdr);
        Chunk(output, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The first bytes of a Windows program.</summary>
    public static byte[] Exe() => [(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, .. Encoding.ASCII.GetBytes("This program cannot be run in DOS mode.")];

    public static SKBitmap Decode(byte[] image) => SKBitmap.Decode(image) ?? throw new InvalidOperationException("Not an image.");

    private static byte[] Encode(int width, int height, SKColor color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawRect(0, 0, width / 2f, height / 2f, paint);
        }
        using var data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    private static byte[] ExifWithGps()
    {
        // "Exif\0\0" then a little-endian TIFF: IFD0 (ImageDescription, GPS IFD pointer), GPS IFD (latitude ref + latitude).
        var description = Encoding.ASCII.GetBytes(ExifMarker + "\0");
        using var tiff = new MemoryStream();
        var w = new BinaryWriter(tiff);
        w.Write("II"u8); w.Write((ushort)42); w.Write(8u);
        const int ifd0Entries = 2;
        var ifd0Size = 2 + ifd0Entries * 12 + 4;
        var descriptionOffset = 8 + ifd0Size;
        var gpsOffset = descriptionOffset + description.Length;
        w.Write((ushort)ifd0Entries);
        w.Write((ushort)0x010E); w.Write((ushort)2); w.Write((uint)description.Length); w.Write((uint)descriptionOffset);
        w.Write((ushort)0x8825); w.Write((ushort)4); w.Write(1u); w.Write((uint)gpsOffset);
        w.Write(0u);
        w.Write(description);
        const int gpsEntries = 2;
        var rationalsOffset = gpsOffset + 2 + gpsEntries * 12 + 4;
        w.Write((ushort)gpsEntries);
        w.Write((ushort)0x0001); w.Write((ushort)2); w.Write(2u); w.Write((byte)'N'); w.Write((byte)0); w.Write((ushort)0);
        w.Write((ushort)0x0002); w.Write((ushort)5); w.Write(3u); w.Write((uint)rationalsOffset);
        w.Write(0u);
        foreach (var (n, d) in new[] { (32u, 1u), (4u, 1u), (5012u, 100u) }) { w.Write(n); w.Write(d); }
        w.Flush();
        return [.. "Exif\0\0"u8, .. tiff.ToArray()];
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>True when <paramref name="needle"/> occurs in <paramref name="haystack"/>.</summary>
    public static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
