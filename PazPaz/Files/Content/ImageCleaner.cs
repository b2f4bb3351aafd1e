using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace PazPaz.Files;

/// <summary>
/// Phone photos and scans: decode, turn upright, encode again. SkiaSharp because it is MIT-licensed, maintained by
/// Microsoft and the .NET Foundation, decodes JPEG, PNG and WebP natively (libjpeg-turbo, libpng, libwebp), and its
/// encoders write pixels only: no EXIF, XMP or text unless asked. ImageSharp's licence is split (paid from v3 on) and
/// Magick.NET is far larger for the same three formats.
/// </summary>
internal static class ImageCleaner
{
    public const long MaxPixels = 50_000_000;
    public const int ThumbnailSize = 320;
    private const int JpegQuality = 90;
    private const float WebpQuality = 90;
    private const float ThumbnailQuality = 80;

    public static CleanResult Clean(string inputPath, FileKind kind, string outputPath, string thumbnailPath, CancellationToken ct)
    {
        // SKCodec reads the header here and nothing more: the size check below comes before a single pixel is decoded.
        using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        using var codec = SKCodec.Create(input, out _);
        if (codec is null || codec.EncodedFormat != Format(kind)) return Unreadable(kind);

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0) return Unreadable(kind);
        if ((long)width * height > MaxPixels)
            return new CleanResult.Refused(string.Create(CultureInfo.InvariantCulture,
                $"This image is {width} × {height} pixels; the limit is {MaxPixels / 1_000_000} megapixels."));

        ct.ThrowIfCancellationRequested();
        using var decoded = Decode(codec, kind);
        if (decoded is null) return Unreadable(kind);

        ct.ThrowIfCancellationRequested();
        using var turned = Turned(decoded, codec.EncodedOrigin);
        if (turned is not null) decoded.Dispose();   // free it before encoding: for a 50 MP photo that is 200 MB
        var upright = turned ?? decoded;

        ct.ThrowIfCancellationRequested();
        try
        {
            if (!Encode(upright, kind, outputPath) || !EncodeThumbnail(upright, thumbnailPath))
            {
                FileCleaner.DeleteQuietly(outputPath);
                FileCleaner.DeleteQuietly(thumbnailPath);
                return Unreadable(kind);
            }
        }
        catch
        {
            FileCleaner.DeleteQuietly(outputPath);
            FileCleaner.DeleteQuietly(thumbnailPath);
            throw;
        }
        return new CleanResult.Cleaned(new FileInfo(outputPath).Length, HasThumbnail: true);
    }

    private static CleanResult.Refused Unreadable(FileKind kind) => new(
        $"This file says it is a {FileTypes.Describe(kind)} image but it cannot be read: it may be damaged or incomplete. " +
        "Save or export it again and upload the new file.");

    private static SKEncodedImageFormat Format(FileKind kind) => kind switch
    {
        FileKind.Jpeg => SKEncodedImageFormat.Jpeg,
        FileKind.Png => SKEncodedImageFormat.Png,
        FileKind.Webp => SKEncodedImageFormat.Webp,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an image kind."),
    };

    /// <summary>
    /// The first frame as 8-bit sRGB, converted from any embedded colour profile. Transparent PNG and WebP pixels stay
    /// unpremultiplied so that an untouched PNG comes back with identical pixels; grey scans stay grey (one byte a pixel,
    /// not four, so they do not grow). Null when the data cannot be decoded in full: a half-grey photo in a client's
    /// record is worse than asking for the file again.
    /// </summary>
    private static SKBitmap? Decode(SKCodec codec, FileKind kind)
    {
        var alpha = kind == FileKind.Jpeg || codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
        var colour = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKImageInfo.PlatformColorType, alpha, SKColorSpace.CreateSrgb());
        if (codec.Info.ColorType == SKColorType.Gray8 && kind != FileKind.Webp
            && DecodeAs(codec, colour.WithColorType(SKColorType.Gray8).WithAlphaType(SKAlphaType.Opaque)) is { } grey)
            return grey;
        return DecodeAs(codec, colour);
    }

    private static SKBitmap? DecodeAs(SKCodec codec, SKImageInfo info)
    {
        var bitmap = new SKBitmap();
        if (bitmap.TryAllocPixels(info) && codec.GetPixels(info, bitmap.GetPixels()) == SKCodecResult.Success)
            return bitmap;
        bitmap.Dispose();
        return null;
    }

    /// <summary>
    /// The pixels with the EXIF orientation applied, since the EXIF that told viewers to rotate is about to go; null
    /// when they are upright already. Pixels are moved, not resampled, so nothing is lost.
    /// </summary>
    private static SKBitmap? Turned(SKBitmap source, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft) return null;
        int w = source.Width, h = source.Height;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int dw = swap ? h : w, dh = swap ? w : h;
        var target = new SKBitmap();
        if (!target.TryAllocPixels(source.Info.WithSize(dw, dh)))
        {
            target.Dispose();
            throw new InsufficientMemoryException($"No memory to turn a {w} × {h} image upright.");
        }
        var size = source.BytesPerPixel;
        if (source.RowBytes != w * size || target.RowBytes != dw * size)
            throw new InvalidOperationException("Expected tightly packed rows.");

        // Where source pixel (x, y) lands, as an index into the target: start + x * stepX + y * stepY.
        var (start, stepX, stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (w - 1, -1, dw),                              // mirrored left to right
            SKEncodedOrigin.BottomRight => ((h - 1) * dw + w - 1, -1, -dw),           // upside down
            SKEncodedOrigin.BottomLeft => ((h - 1) * dw, 1, -dw),                     // mirrored top to bottom
            SKEncodedOrigin.LeftTop => (0, dw, 1),                                    // transposed
            SKEncodedOrigin.RightTop => (h - 1, dw, -1),                              // turned a quarter clockwise
            SKEncodedOrigin.RightBottom => ((w - 1) * dw + h - 1, -dw, -1),           // transversed
            SKEncodedOrigin.LeftBottom => ((w - 1) * dw, -dw, 1),                     // turned a quarter anticlockwise
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, null),
        };
        if (size == 4)
            Move(MemoryMarshal.Cast<byte, uint>(source.GetPixelSpan()), MemoryMarshal.Cast<byte, uint>(target.GetPixelSpan()), w, h, start, stepX, stepY);
        else if (size == 1)
            Move(source.GetPixelSpan(), target.GetPixelSpan(), w, h, start, stepX, stepY);
        else
            throw new InvalidOperationException($"Unexpected {size} bytes a pixel.");
        return target;
    }

    private static void Move<T>(ReadOnlySpan<T> from, Span<T> to, int w, int h, int start, int stepX, int stepY)
    {
        for (var y = 0; y < h; y++)
        {
            var row = from.Slice(y * w, w);
            var index = start + y * stepY;
            for (var x = 0; x < w; x++, index += stepX)
                to[index] = row[x];
        }
    }

    private static bool Encode(SKBitmap bitmap, FileKind kind, string path)
    {
        using var pixmap = Untagged(bitmap);
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        return kind switch
        {
            FileKind.Jpeg => pixmap.Encode(output, new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            FileKind.Png => pixmap.Encode(output, SKPngEncoderOptions.Default),
            FileKind.Webp => pixmap.Encode(output, new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, WebpQuality)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an image kind."),
        };
    }

    /// <summary>A WebP that fits in <see cref="ThumbnailSize"/> square, aspect kept, never enlarged.</summary>
    private static bool EncodeThumbnail(SKBitmap bitmap, string path)
    {
        var scale = Math.Min(1.0, (double)ThumbnailSize / Math.Max(bitmap.Width, bitmap.Height));
        var width = Math.Max(1, (int)Math.Round(bitmap.Width * scale));
        var height = Math.Max(1, (int)Math.Round(bitmap.Height * scale));
        var alpha = bitmap.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        using var thumbnail = new SKBitmap(new SKImageInfo(width, height, SKImageInfo.PlatformColorType, alpha, SKColorSpace.CreateSrgb()));
        // Mipmaps: a 6000-pixel photo shrunk 20 times with plain bilinear or cubic sampling would shimmer and alias.
        if (!bitmap.ScalePixels(thumbnail, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))) return false;
        using var pixmap = Untagged(thumbnail);
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        return pixmap.Encode(output, new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, ThumbnailQuality));
    }

    /// <summary>
    /// The pixels, already sRGB, with no colour space attached: Skia's encoders embed an ICC profile for any tagged
    /// image, and untagged images are read as sRGB anyway.
    /// </summary>
    private static SKPixmap Untagged(SKBitmap bitmap)
    {
        var info = bitmap.Info;
        return new SKPixmap(new SKImageInfo(info.Width, info.Height, info.ColorType, info.AlphaType), bitmap.GetPixels(), bitmap.RowBytes);
    }
}
