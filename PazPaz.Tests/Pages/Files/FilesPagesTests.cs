using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Api;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Files;

public sealed class FilesPagesTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, Client Client, HttpClient Browser, string Token)> SignedInAsync()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync(practice.Owner.Email);
        var page = await browser.GetPageAsync($"/clients/{client.Id}");
        var token = page.QuerySelector("[data-file-section] input[name=__RequestVerificationToken]")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token), "the client page has a file section with its antiforgery token");
        return (practice, client, browser, token!);
    }

    private static HttpRequestMessage Upload(string url, byte[] bytes, string name, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = AttachmentsApiTests.Multipart(bytes, name, "image/png") };
        if (token is not null) request.Headers.Add("RequestVerificationToken", token);
        return request;
    }

    [Fact]
    public async Task The_client_page_uploads_lists_views_and_streams_a_file()
    {
        var (_, client, browser, token) = await SignedInAsync();
        var page = await browser.GetPageAsync($"/clients/{client.Id}");
        var section = page.QuerySelector("[data-file-section]")!;
        Assert.Equal($"/files/upload/client/{client.Id}", section.GetAttribute("data-upload-url"));

        var uploaded = await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Png(), "back.png", token));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var id = (await uploaded.JsonAsync())["id"]!.GetValue<Guid>();

        var list = await browser.GetPageAsync($"/files/list?client={client.Id}");
        Assert.Equal("1", list.QuerySelector("#file-list")!.GetAttribute("data-count"));
        Assert.Equal("back.png", list.QuerySelector("[data-testid=file-name]")!.TextContent.Trim());
        Assert.NotNull(list.QuerySelector($"img[src='/files/{id}/thumbnail']"));

        var viewer = await browser.GetPageAsync($"/files/{id}");
        Assert.Equal("back.png", viewer.QuerySelector("[data-testid=file-title]")!.TextContent.Trim());
        Assert.NotNull(viewer.QuerySelector($"img[src='/files/{id}/content']"));

        var thumbnail = await browser.GetAsync($"/files/{id}/thumbnail");
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        var inline = await browser.GetAsync($"/files/{id}/content");
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType);
        var policy = inline.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("sandbox;", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        Assert.Equal("SAMEORIGIN", inline.Headers.GetValues("X-Frame-Options").Single());
        var download = await browser.GetAsync($"/files/{id}/content?download=1");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("back.png", download.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task An_upload_without_the_antiforgery_header_is_refused_and_nothing_is_read_or_stored()
    {
        var (_, client, browser, _) = await SignedInAsync();
        var response = await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Png(), "x.png", token: null));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task A_refusal_names_the_reason_for_the_page_to_show_next_to_the_file()
    {
        var (_, client, browser, token) = await SignedInAsync();
        var response = await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Exe(), "photo.png", token));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("whatever its name says", (await response.JsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rename_with_an_empty_name_re_renders_the_list_with_the_error_and_keeps_the_file()
    {
        var (_, client, browser, token) = await SignedInAsync();
        var uploaded = await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Png(), "back.png", token));
        var id = (await uploaded.JsonAsync())["id"]!.GetValue<Guid>();

        var response = await browser.PostAsync($"/files/list?handler=rename&client={client.Id}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id.ToString(), ["name"] = "  ", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var list = await response.ParseAsync();
        Assert.Equal("Enter a name for the file.", list.QuerySelector($"#rename-error-{id}")!.TextContent.Trim());
        Assert.Equal("back.png", await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().Select(a => a.FileName).SingleAsync()));

        var deleted = await browser.PostAsync($"/files/list?handler=delete&client={client.Id}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id.ToString(), ["__RequestVerificationToken"] = token }));
        var afterDelete = await deleted.ParseAsync();
        Assert.Equal("0", afterDelete.QuerySelector("#file-list")!.GetAttribute("data-count"));
        Assert.Contains("Deleted “back.png”", afterDelete.QuerySelector("[data-testid=file-message]")!.TextContent);
    }

    [Fact]
    public async Task Another_practices_file_and_client_are_not_found_on_every_page_route()
    {
        var (_, client, browser, token) = await SignedInAsync();
        var uploaded = await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Png(), "back.png", token));
        var id = (await uploaded.JsonAsync())["id"]!.GetValue<Guid>();

        var other = await App.PracticeAsync(name: "Other", email: "eli@example.com");
        var stranger = await App.SignedInAsync(other.Owner.Email);
        foreach (var url in new[] { $"/files/{id}", $"/files/{id}/content", $"/files/{id}/thumbnail", $"/files/list?client={client.Id}" })
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Settings_show_the_storage_used_against_the_quota()
    {
        var (_, client, browser, token) = await SignedInAsync();
        await browser.SendAsync(Upload($"/files/upload/client/{client.Id}", UploadSamples.Png(), "back.png", token));
        var size = await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().Select(a => a.SizeBytes).SingleAsync());

        var settings = await browser.GetPageAsync("/settings/workspace");
        Assert.Equal($"{PazPaz.Files.StorageQuota.Describe(size)} of 10 GB used", settings.QuerySelector("[data-testid=storage-usage]")!.TextContent.Trim());
        Assert.Equal("1", settings.QuerySelector("[data-testid=storage-bar]")!.GetAttribute("aria-valuenow"));
    }

    [Fact]
    public async Task The_note_page_takes_files_on_the_note_and_lists_them_there_not_on_the_client()
    {
        var (_, client, browser, token) = await SignedInAsync();
        var noteId = await App.WithDbAsync(async db =>
        {
            var note = SessionNote.Create(client.WorkspaceId, client.Id, DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime));
            db.Add(note);
            await db.SaveChangesAsync();
            return note.Id;
        });
        var page = await browser.GetPageAsync($"/notes/{noteId}");
        Assert.Equal($"/files/upload/note/{noteId}", page.QuerySelector("[data-file-section]")!.GetAttribute("data-upload-url"));
        var noteToken = page.QuerySelector("[data-file-section] input[name=__RequestVerificationToken]")!.GetAttribute("value");

        var uploaded = await browser.SendAsync(Upload($"/files/upload/note/{noteId}", UploadSamples.PdfWithAuthor(), "x-ray report.pdf", noteToken));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal("1", (await browser.GetPageAsync($"/files/list?note={noteId}")).QuerySelector("#file-list")!.GetAttribute("data-count"));
        Assert.Equal("0", (await browser.GetPageAsync($"/files/list?client={client.Id}")).QuerySelector("#file-list")!.GetAttribute("data-count"));
    }
}
