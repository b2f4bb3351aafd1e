using System.Buffers.Binary;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using SkiaSharp;

namespace PazPaz.Tests.Files;

/// <summary>A folder of its own per test, removed afterwards; uploads are files on disk, as in the app.</summary>
public sealed class Scratch : IDisposable
{
    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pazpaz-files-tests", Guid.NewGuid().ToString("N"))).FullName;

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>
/// Upload fixtures built in code: images encoded with SkiaSharp, then given the metadata a phone or an editor would
/// add (EXIF with GPS, text chunks, XMP) by splicing bytes in by hand, so the tests know exactly what went in.
/// </summary>
public static class Fixtures
{
    public static readonly SKColor Red = new(220, 30, 30), Green = new(30, 200, 60), Blue = new(30, 60, 220), White = new(250, 250, 250);

    /// <summary>Latitude 32° 4' 43.21" and longitude 34° 46' 56.78" as EXIF rationals: the bytes that must not survive.</summary>
    public static readonly byte[] Latitude = Rationals((32, 1), (4, 1), (4321, 100));
    public static readonly byte[] Longitude = Rationals((34, 1), (46, 1), (5678, 100));

    /// <summary>Four flat quadrants, so an orientation shows as colours moving: red top left, green top right, blue bottom left, white bottom right.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, (x < width / 2, y < height / 2) switch
                {
                    (true, true) => Red,
                    (false, true) => Green,
                    (true, false) => Blue,
                    _ => White,
                });
        return bitmap;
    }

    /// <summary>Every pixel different, with graded transparency: a PNG round trip must keep each one exactly.</summary>
    public static SKBitmap Gradient(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 7), (byte)(y * 5), (byte)(x * y), (byte)(40 + (x + y) % 200)));
        return bitmap;
    }

    /// <summary>A grey scan: dark on the left, light on the right.</summary>
    public static SKBitmap Grey(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.GetPixelSpan()[y * bitmap.RowBytes + x] = (byte)(x * 255 / (width - 1));
        return bitmap;
    }

    /// <summary>Noise compresses badly, so a JPEG of it is long enough to cut in half mid-scan.</summary>
    public static SKBitmap Noise(int width, int height)
    {
        var random = new Random(7);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A little-endian TIFF as EXIF carries it: IFD0 with Orientation (unless null) and a GPS IFD pointer, the
    /// GPS IFD with version, latitude and longitude.</summary>
    public static byte[] Tiff(ushort? orientation)
    {
        var entries0 = orientation is null ? 1 : 2;
        var ifd0Size = 2 + entries0 * 12 + 4;
        var gpsOffset = 8 + ifd0Size;
        const int gpsEntries = 5;
        var gpsSize = 2 + gpsEntries * 12 + 4;
        var latitudeOffset = gpsOffset + gpsSize;
        var longitudeOffset = latitudeOffset + 24;

        var tiff = new byte[longitudeOffset + 24];
        var span = tiff.AsSpan();
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);

        var at = 8;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)entries0); at += 2;
        if (orientation is { } o) { Entry(span, ref at, 0x0112, 3, 1, o); }
        Entry(span, ref at, 0x8825, 4, 1, (uint)gpsOffset);
        at += 4; // next IFD: none

        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], gpsEntries); at += 2;
        Entry(span, ref at, 0x0000, 1, 4, 0x00000302);             // GPSVersionID 2.3.0.0
        Entry(span, ref at, 0x0001, 2, 2, 'N');                    // GPSLatitudeRef "N\0"
        Entry(span, ref at, 0x0002, 5, 3, (uint)latitudeOffset);
        Entry(span, ref at, 0x0003, 2, 2, 'E');                    // GPSLongitudeRef "E\0"
        Entry(span, ref at, 0x0004, 5, 3, (uint)longitudeOffset);
        Latitude.CopyTo(span[latitudeOffset..]);
        Longitude.CopyTo(span[longitudeOffset..]);
        return tiff;

        static void Entry(Span<byte> s, ref int at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(s[at..], tag);
            BinaryPrimitives.WriteUInt16LittleEndian(s[(at + 2)..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 4)..], count);
            if (type == 3) BinaryPrimitives.WriteUInt16LittleEndian(s[(at + 8)..], (ushort)value);
            else BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 8)..], value);
            at += 12;
        }
    }

    /// <summary>The JPEG with an APP1 "Exif\0\0" segment and a COM segment spliced in right after SOI.</summary>
    public static byte[] WithExif(byte[] jpeg, byte[] tiff, string comment)
    {
        var app1 = Segment(0xE1, [.. "Exif\0\0"u8, .. tiff]);
        var com = Segment(0xFE, Encoding.ASCII.GetBytes(comment));
        return [.. jpeg.AsSpan(0, 2), .. app1, .. com, .. jpeg.AsSpan(2)];

        static byte[] Segment(byte marker, byte[] payload)
        {
            var segment = new byte[4 + payload.Length];
            segment[0] = 0xFF;
            segment[1] = marker;
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
            payload.CopyTo(segment, 4);
            return segment;
        }
    }

    /// <summary>The marker bytes of every segment before the scan (SOS), e.g. 0xE0 for APP0.</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        var markers = new List<byte>();
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF)
        {
            var marker = jpeg[at + 1];
            markers.Add(marker);
            if (marker == 0xDA) break;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        return markers;
    }

    /// <summary>The number of colour components in the frame header: 1 for grey, 3 for colour.</summary>
    public static int JpegComponents(byte[] jpeg)
    {
        for (var at = 2; at + 4 <= jpeg.Length && jpeg[at] == 0xFF;)
        {
            var marker = jpeg[at + 1];
            if (marker is 0xC0 or 0xC1 or 0xC2) return jpeg[at + 9];
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        throw new InvalidDataException("No frame header.");
    }

    public static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>The PNG with extra chunks inserted right after IHDR (signature 8 bytes + IHDR chunk 25 bytes).</summary>
    public static byte[] WithChunks(byte[] png, params byte[][] chunks) =>
        [.. png.AsSpan(0, 33), .. chunks.SelectMany(c => c), .. png.AsSpan(33)];

    public static List<string> PngChunkTypes(byte[] png)
    {
        var types = new List<string>();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            types.Add(Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + length;
        }
        return types;
    }

    /// <summary>A header that promises width × height pixels (8-bit RGBA) followed by one tiny IDAT: a decompression bomb's shape.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 6;  // RGBA
        byte[] idat = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]; // zlib of nothing
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", idat), .. PngChunk("IEND", [])];
    }

    /// <summary>
    /// The lossy WebP rewritten in the extended format with EXIF (and its orientation) and XMP chunks after the image,
    /// as cameras and editors write it.
    /// </summary>
    public static byte[] WebpWithMetadata(byte[] simpleWebp, int width, int height, byte[] tiff, string xmp)
    {
        var image = simpleWebp.AsSpan(12).ToArray();   // the "VP8 " chunk, as it was
        var vp8x = new byte[10];
        vp8x[0] = 0x08 | 0x04;                          // EXIF and XMP present
        WriteUInt24(vp8x.AsSpan(4), width - 1);
        WriteUInt24(vp8x.AsSpan(7), height - 1);
        byte[] body = [.. "WEBP"u8, .. RiffChunk("VP8X", vp8x), .. image, .. RiffChunk("EXIF", tiff), .. RiffChunk("XMP ", Encoding.UTF8.GetBytes(xmp))];
        var header = new byte[8];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)body.Length);
        return [.. header, .. body];

        static byte[] RiffChunk(string fourCc, byte[] data)
        {
            var chunk = new byte[8 + data.Length + (data.Length & 1)];
            Encoding.ASCII.GetBytes(fourCc).CopyTo(chunk, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)data.Length);
            data.CopyTo(chunk, 8);
            return chunk;
        }

        static void WriteUInt24(Span<byte> s, int value)
        {
            s[0] = (byte)value;
            s[1] = (byte)(value >> 8);
            s[2] = (byte)(value >> 16);
        }
    }

    /// <summary>
    /// A two-page PDF as a practice system might send it: every document information entry filled in (plus a custom
    /// one), PDFsharp's XMP copy of them on the catalog, and an XMP stream of its own on the first page. Uncompressed,
    /// so the tests can see the strings in the bytes.
    /// </summary>
    public static byte[] PdfWithMetadata(Action<PdfDocument>? change = null)
    {
        using var document = new PdfDocument();
        document.Info.Author = "Dr. Secret";
        document.Info.Title = "Referral for Noa Cohen";
        document.Info.Subject = "Lower back pain";
        document.Info.Keywords = "confidential, physiotherapy";
        document.Info.Creator = "Clinic Records 7";
        document.Info.Elements.SetString("/PatientId", "NC-48213");
        var first = document.AddPage();
        using (var graphics = XGraphics.FromPdfPage(first))
            graphics.DrawRectangle(XBrushes.SteelBlue, 40, 40, 200, 120);
        document.AddPage();

        var xmp = new PdfDictionary(document);
        xmp.Elements.SetName("/Type", "/Metadata");
        xmp.Elements.SetName("/Subtype", "/XML");
        xmp.CreateStream(Encoding.UTF8.GetBytes("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
            "<rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:source>Scanned at Harbour Clinic front desk</dc:source>" +
            "</rdf:Description></rdf:RDF></x:xmpmeta>"));
        document.Internals.AddObject(xmp);
        first.Elements.SetReference("/Metadata", xmp);

        change?.Invoke(document);
        document.Options.NoCompression = true;
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    public static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static byte[] Rationals(params (uint Numerator, uint Denominator)[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8), values[i].Numerator);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), values[i].Denominator);
        }
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
