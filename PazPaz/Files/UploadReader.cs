using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace PazPaz.Files;

/// <summary>
/// Reads one uploaded file from a multipart/form-data body straight into a temporary file, never into memory, and stops
/// as soon as it passes the limit: a larger body is cut off, not read whole. Used by the file pages and the API alike.
/// </summary>
public static class UploadReader
{
    /// <summary>Room for the multipart boundaries and headers around the file.</summary>
    private const long EnvelopeBytes = 64 * 1024;

    public abstract record Upload
    {
        /// <summary>The file, in <see cref="TempFile"/> (the caller deletes it). <see cref="FileName"/> is the browser's, unchecked.</summary>
        public sealed record Received(string TempFile, string? FileName, long Length) : Upload;
        public sealed record Refused(int Status, string Message) : Upload;
    }

    /// <summary>Tells Kestrel to refuse bodies above the upload limit while they arrive (a Content-Length above it: at once).</summary>
    public static void LimitBody(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = FileTypes.MaxUploadBytes + EnvelopeBytes;
    }

    public static async Task<Upload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        LimitBody(request.HttpContext);
        if (request.ContentLength > FileTypes.MaxUploadBytes + EnvelopeBytes) return TooLarge();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return new Upload.Refused(StatusCodes.Status415UnsupportedMediaType,
                "Send the file as multipart/form-data, in a part named \"file\".");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            return new Upload.Refused(StatusCodes.Status400BadRequest, "The multipart body has no valid boundary.");

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        string? tempFile = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                    continue; // an ordinary form field (the antiforgery token, say): not ours to read
                if (tempFile is not null)
                    return new Upload.Refused(StatusCodes.Status422UnprocessableEntity, "Send one file per request.");

                tempFile = TempFiles.New();
                long length;
                await using (var output = new FileStream(tempFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    length = await CopyAtMostAsync(section.Body, output, FileTypes.MaxUploadBytes + 1, cancellationToken);
                }
                if (length > FileTypes.MaxUploadBytes) return TooLarge();
                var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                var received = new Upload.Received(tempFile, name, length);
                tempFile = null; // the caller owns it now
                return received;
            }
            return new Upload.Refused(StatusCodes.Status422UnprocessableEntity, "No file was sent: add one in a part named \"file\".");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException e)
        {
            // Malformed multipart (a boundary never closed, headers too long): the client's mistake, said plainly.
            return new Upload.Refused(StatusCodes.Status400BadRequest, $"The upload could not be read: {e.Message}");
        }
        finally
        {
            if (tempFile is not null) TempFiles.Delete(tempFile);
        }
    }

    private static Upload.Refused TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        $"This file is larger than {FileTypes.MaxUploadBytes / (1024 * 1024)} MB, the limit for one file.");

    /// <summary>Copies until <paramref name="limit"/> bytes have been written, then stops reading (the rest is never read).</summary>
    private static async Task<long> CopyAtMostAsync(Stream input, Stream output, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        while (total < limit)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken);
            if (read == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }
        return total;
    }
}

/// <summary>Temporary files of uploads in progress, in one folder of the machine's temp directory; always deleted after use.</summary>
public static class TempFiles
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "pazpaz-uploads");

    public static string New()
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, Guid.NewGuid().ToString("N"));
    }

    public static void Delete(string? path)
    {
        if (path is null) return;
        try { File.Delete(path); }
        catch (IOException) { /* already gone, or in use by a reader being torn down: the OS temp cleaner gets it */ }
    }
}
