using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.E2E.Support;
using PdfSharp.Pdf;
using SkiaSharp;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E;

/// <summary>
/// Files on a client in Chromium: drop a photo and a PDF, watch each upload's progress, see the thumbnail, open the PDF,
/// rename, delete and restore. The journeys wait on what the page says (data-upload-state, #file-list[data-count]).
/// </summary>
public sealed class FilesJourneyTests(AppServer app, ITestOutputHelper output) : JourneyTest(app, output)
{
    private async Task<Guid> ClientIdAsync(string name)
    {
        using var scope = App.Services.CreateScope();
        return (await DemoClientAsync(scope.ServiceProvider.GetRequiredService<PazPazDb>(), name)).Id;
    }

    private static byte[] Photo()
    {
        using var bitmap = new SKBitmap(640, 480);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(70, 130, 180));
            using var paint = new SKPaint { Color = SKColors.White };
            canvas.DrawCircle(320, 240, 120, paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static byte[] Pdf()
    {
        using var document = new PdfDocument();
        document.Info.Author = "Referring GP";
        document.AddPage();
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    /// <summary>Drops files on the drop zone as a person dragging them from the desktop would (a DataTransfer with Files).</summary>
    private static async Task DropAsync(IPage page, params (string Name, string Type, byte[] Bytes)[] files)
    {
        var transfer = await page.EvaluateHandleAsync("""
            (files) => {
              const transfer = new DataTransfer();
              for (const f of files) {
                const bytes = Uint8Array.from(atob(f.base64), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, { type: f.type }));
              }
              return transfer;
            }
            """, files.Select(f => new { name = f.Name, type = f.Type, base64 = Convert.ToBase64String(f.Bytes) }).ToArray());
        var zone = page.Locator("[data-drop-zone]");
        await zone.DispatchEventAsync("dragenter", new { dataTransfer = transfer });
        await zone.DispatchEventAsync("drop", new { dataTransfer = transfer });
    }

    private static ILocator FileCard(IPage page, string name) => page.Locator("[data-testid=file]").Filter(new() { HasText = name });

    [Fact]
    public Task Drop_a_photo_and_a_pdf_watch_them_upload_open_rename_delete_and_restore() =>
        RunJourneyAsync(nameof(Drop_a_photo_and_a_pdf_watch_them_upload_open_rename_delete_and_restore), async page =>
        {
            var clientId = await ClientIdAsync("Tamar Friedman");
            await SignInAsync(page);
            await page.GotoAsync($"/clients/{clientId}");
            await Expect(page.Locator("#file-list[data-count]")).ToBeVisibleAsync();
            var before = int.Parse((await page.Locator("#file-list").GetAttributeAsync("data-count"))!);

            // Hold the answers until both rows show their progress bars, so "uploading" is seen whatever the machine's speed.
            var held = new List<IRoute>();
            var release = new TaskCompletionSource();
            await page.RouteAsync("**/files/upload/**", async route =>
            {
                lock (held) held.Add(route);
                await release.Task;
                await route.ContinueAsync();
            });
            await DropAsync(page, ("Posture front.jpg", "image/jpeg", Photo()), ("Referral letter.pdf", "application/pdf", Pdf()));

            var uploads = page.Locator("[data-upload-list] li");
            await Expect(uploads).ToHaveCountAsync(2);
            await Expect(page.Locator("[data-upload-list] li[data-upload-state='uploading'] progress")).ToHaveCountAsync(2);
            await Expect(uploads.Filter(new() { HasText = "Posture front.jpg" })).ToBeVisibleAsync();
            release.SetResult();
            await page.UnrouteAsync("**/files/upload/**");
            await Expect(page.Locator("[data-upload-list] li[data-upload-state='done']")).ToHaveCountAsync(2);
            await Expect(page.Locator("#file-list")).ToHaveAttributeAsync("data-count", (before + 2).ToString());

            // The photo shows as a thumbnail (decoded by the browser), the PDF as a PDF tile.
            var photo = FileCard(page, "Posture front.jpg");
            await Expect(photo).ToHaveAttributeAsync("data-kind", "JPEG");
            var thumbnail = photo.Locator("img[data-testid=thumbnail]");
            await Expect(thumbnail).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await thumbnail.ElementHandleAsync());
            await Expect(FileCard(page, "Referral letter.pdf")).ToHaveAttributeAsync("data-kind", "PDF");
            await SaveReviewShotAsync(page, "files-client-desktop");

            // Download: the name the therapist gave, as an attachment.
            var download = await page.RunAndWaitForDownloadAsync(() => photo.GetByRole(AriaRole.Link, new() { Name = "Download" }).ClickAsync());
            Assert.Equal("Posture front.jpg", download.SuggestedFilename);

            // Open the PDF: the viewer page frames it; its answer sandboxes it (CSP), as Chromium's viewer refuses <iframe sandbox>.
            var pdfResponse = page.WaitForResponseAsync(r => r.Url.Contains("/content") && r.Request.ResourceType == "document" && r.Status == 200);
            await FileCard(page, "Referral letter.pdf").GetByTestId("file-name").ClickAsync();
            await Expect(page.GetByTestId("file-title")).ToHaveTextAsync("Referral letter.pdf");
            var frame = page.GetByTestId("pdf-frame");
            await Expect(frame).ToBeVisibleAsync();
            var response = await pdfResponse;
            var headers = await response.AllHeadersAsync();
            Assert.Equal("application/pdf", headers["content-type"]);
            Assert.StartsWith("inline", headers["content-disposition"]);
            Assert.StartsWith("sandbox;", headers["content-security-policy"]);
            await SaveReviewShotAsync(page, "files-pdf-viewer");
            await page.GoBackAsync();
            await Expect(page.Locator("#file-list[data-count]")).ToBeVisibleAsync();

            // Rename the photo.
            photo = FileCard(page, "Posture front.jpg");
            await photo.GetByText("Rename", new() { Exact = true }).ClickAsync();
            var nameBox = photo.GetByLabel(new Regex("^New name for"));
            await nameBox.FillAsync("Posture, first visit");
            await photo.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(page.GetByTestId("file-message")).ToContainTextAsync("Renamed to “Posture, first visit.jpg”");
            photo = FileCard(page, "Posture, first visit.jpg");
            await Expect(photo).ToBeVisibleAsync();

            // Delete it, then bring it back with Undo.
            await photo.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByTestId("file-message")).ToContainTextAsync("can be restored for 30 days");
            await Expect(page.Locator("#file-list")).ToHaveAttributeAsync("data-count", (before + 1).ToString());
            await Expect(page.GetByTestId("deleted-files")).ToContainTextAsync("Posture, first visit.jpg");
            await page.GetByTestId("file-message").GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
            await Expect(page.GetByTestId("file-message")).ToContainTextAsync("Restored");
            await Expect(page.Locator("#file-list")).ToHaveAttributeAsync("data-count", (before + 2).ToString());
            await AssertNoSeriousAccessibilityViolationsAsync(page, "the client page with files");

            // The practice's storage, as a bar under Settings → Workspace.
            await page.GotoAsync("/settings/workspace");
            await Expect(page.GetByTestId("storage-usage")).ToContainTextAsync("of 10 GB used");
            await Expect(page.GetByTestId("storage-bar")).ToHaveAttributeAsync("aria-valuenow", new Regex("^[1-9][0-9]*$"));
            await SaveReviewShotAsync(page, "files-settings-storage");
        });

    [Fact]
    public Task A_refused_file_says_why_next_to_it_and_the_others_still_upload() =>
        RunJourneyAsync(nameof(A_refused_file_says_why_next_to_it_and_the_others_still_upload), async page =>
        {
            var clientId = await ClientIdAsync("Lior Shapiro");
            await SignInAsync(page);
            await page.GotoAsync($"/clients/{clientId}");
            await Expect(page.Locator("#file-list[data-count]")).ToBeVisibleAsync();

            await page.GetByTestId("file-input").SetInputFilesAsync(new[]
            {
                new FilePayload { Name = "invoice.png", MimeType = "image/png", Buffer = "MZ\u0090\0 not a picture"u8.ToArray() },
                new FilePayload { Name = "Shoulder.jpg", MimeType = "image/jpeg", Buffer = Photo() },
            });
            var refused = page.Locator("[data-upload-list] li[data-upload-state='refused']");
            await Expect(refused).ToContainTextAsync("invoice.png");
            await Expect(refused).ToContainTextAsync("Only JPEG, PNG or WebP pictures and PDF documents");
            await Expect(page.Locator("[data-upload-list] li[data-upload-state='done']")).ToContainTextAsync("Shoulder.jpg");
            await Expect(FileCard(page, "Shoulder.jpg")).ToBeVisibleAsync();
            await page.Locator("#files").ScrollIntoViewIfNeededAsync();
            await SaveReviewShotAsync(page, "files-client-phone");
        }, Phone);
}
