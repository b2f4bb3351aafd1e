using System.Security.Cryptography;
using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace PazPaz.Files;

/// <summary>
/// Referral letters and reports: the pages stay as they are; the document information (Author, Title, Subject, Keywords,
/// Creator, Producer, dates, custom entries), XMP metadata streams and application private data go. PDFsharp 6.2.4 is
/// MIT-licensed; its 6.5.0 names the AGPL, so the version stays pinned.
/// </summary>
/// <remarks>
/// PDFsharp cannot be told to write nothing about itself: on save it sets Producer "PDFsharp 6.2.4" and Creator
/// "PDFsharp 6.2.4 (www.pdfsharp.com)" (an empty Producer is refilled, any other is kept only as "PDFsharp … (Original:
/// …)"), adds its own XMP packet built from that emptied information (those two names, dates 0001-01-01, fresh random
/// document and instance ids) and a "% Created with PDFsharp" comment before the trailer. None of it comes from the
/// upload. The rewrite is whole, not incremental, and unreachable objects are dropped, so earlier revisions of the file
/// and the removed metadata streams do not survive in it.
/// </remarks>
internal static class PdfCleaner
{
    private const string PasswordProtected = "This PDF is password-protected; remove the password and upload it again.";
    private const string LockedAgainstChanges =
        "This PDF is locked against changes with a password, so its hidden details cannot be removed. " +
        "Save it again as a new PDF without the lock (for example with Print, then Save as PDF) and upload that.";
    private const string Unreadable =
        "This PDF could not be read: it may be damaged or incomplete. Save or export it again and upload the new file.";
    private const string NoPages = "This PDF has no pages.";

    public static CleanResult Clean(string inputPath, string outputPath, CancellationToken ct)
    {
        PdfDocument? document;
        var askedForPassword = false;
        // Modify mode reads the whole file into PDFsharp's objects once; the stream is not copied first.
        using (var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024))
        {
            try
            {
                // PDFsharp asks for a password both when the file cannot be opened without one and when it can be read
                // but not changed (an owner password). Aborting makes Open return null.
                document = PdfReader.Open(input, PdfDocumentOpenMode.Modify, args => { askedForPassword = true; args.Abort = true; });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                document = null;
            }
        }
        if (document is null)
        {
            if (!askedForPassword) return new CleanResult.Refused(Unreadable);
            return new CleanResult.Refused(OpensWithoutPassword(inputPath) ? LockedAgainstChanges : PasswordProtected);
        }

        using (document)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (document.PageCount == 0) return new CleanResult.Refused(NoPages);
                RemoveMetadata(document);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new CleanResult.Refused(Unreadable);
            }

            try
            {
                using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
                document.Save(output);
            }
            catch (Exception e) when (e is not (OperationCanceledException or IOException or UnauthorizedAccessException))
            {
                // A file PDFsharp could open but not write back (broken object graph): refuse rather than keep half of it.
                FileCleaner.DeleteQuietly(outputPath);
                return new CleanResult.Refused(Unreadable);
            }
            catch
            {
                FileCleaner.DeleteQuietly(outputPath);
                throw;
            }
        }
        return new CleanResult.Cleaned(new FileInfo(outputPath).Length, HasThumbnail: false);
    }

    private static void RemoveMetadata(PdfDocument document)
    {
        foreach (var key in document.Info.Elements.Keys.ToList())
            document.Info.Elements.Remove(key);

        // XMP can hang off the catalog, any page, image, font or form; PieceInfo holds the authoring application's own
        // data. Both are optional everywhere, so dropping them changes nothing that is shown. Removing the references
        // before saving matters: PDFsharp drops unreachable objects only as part of saving.
        var catalog = document.Internals.Catalog;
        catalog.Elements.Remove("/Metadata");
        catalog.Elements.Remove("/PieceInfo");
        foreach (var page in document.Pages)
        {
            page.Elements.Remove("/Metadata");
            page.Elements.Remove("/PieceInfo");
        }
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is not PdfDictionary dictionary) continue;
            dictionary.Elements.Remove("/Metadata");
            dictionary.Elements.Remove("/PieceInfo");
        }

        // The first file identifier is meant to stay with a document for life; a new one keeps the cleaned copy from
        // being matched with the original elsewhere.
        document.Internals.FirstDocumentID = Encoding.Latin1.GetString(RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>True when the file opens for reading without a password, i.e. only changes are locked.</summary>
    private static bool OpensWithoutPassword(string inputPath)
    {
        try
        {
            using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            using var document = PdfReader.Open(input, PdfDocumentOpenMode.Import, args => args.Abort = true);
            return document is not null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }
}
