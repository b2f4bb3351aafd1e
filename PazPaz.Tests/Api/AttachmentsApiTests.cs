using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Domain;
using PazPaz.Files;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Api;

public sealed class AttachmentsApiTests(PazPazApp app) : AppTest(app)
{
    private async Task<(Seed.Practice Practice, Client Client, HttpClient Api)> PracticeAsync(string email = "dana@example.com", string name = "Sea Breeze Massage")
    {
        var practice = await App.PracticeAsync(name: name, email: email);
        var client = await App.ClientAsync(practice.Workspace.Id);
        return (practice, client, await App.ApiClientAsync(email));
    }

    private static string Files(Client client) => $"/api/v1/clients/{client.Id}/attachments";

    public static MultipartFormDataContent Multipart(byte[] bytes, string fileName, string contentType = "application/octet-stream")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        // As browsers send names they cannot put in a header as they are (line breaks, non-ASCII): RFC 5987 filename*.
        file.Headers.ContentDisposition = fileName.All(c => c >= ' ' && c < 127)
            ? new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{fileName.Replace("\"", "")}\"" }
            : new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = fileName };
        return new MultipartFormDataContent { file };
    }

    private static async Task<JsonNode> CreatedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    private async Task<(long Used, long Quota)> UsageAsync(Guid workspaceId)
    {
        var usage = await App.WithDbAsync(db => db.Workspaces.IgnoreQueryFilters().Where(w => w.Id == workspaceId)
            .Select(w => new { w.StorageUsedBytes, w.StorageQuotaBytes }).SingleAsync());
        return (usage.StorageUsedBytes, usage.StorageQuotaBytes);
    }

    private Task<int> RowsAsync() => App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().CountAsync());

    private static Guid Id(JsonNode file) => file["id"]!.GetValue<Guid>();

    [Fact]
    public async Task A_png_uploads_lists_and_downloads_with_the_same_pixels_and_safe_headers()
    {
        var (practice, client, api) = await PracticeAsync();
        var png = UploadSamples.Png();

        var response = await api.PostAsync(Files(client), Multipart(png, "posture front.png", "image/png"));
        var created = await CreatedAsync(response);
        Assert.Equal($"{Files(client)}/{Id(created)}", response.Headers.Location?.OriginalString);
        Assert.Equal("posture front.png", created["name"]!.GetValue<string>());
        Assert.Equal("image/png", created["content_type"]!.GetValue<string>());
        Assert.True(created["has_thumbnail"]!.GetValue<bool>());

        var list = (await (await api.GetAsync(Files(client))).JsonAsync()).AsArray();
        Assert.Equal(Id(created), Assert.Single(list)!["id"]!.GetValue<Guid>());

        var download = await api.GetAsync($"{Files(client)}/{Id(created)}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", download.Headers.CacheControl!.ToString());
        Assert.True(download.Headers.CacheControl!.Private);
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("posture front.png", disposition.FileNameStar);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(created["size_bytes"]!.GetValue<long>(), bytes.Length);
        using (var sent = UploadSamples.Decode(png))
        using (var got = UploadSamples.Decode(bytes))
        {
            Assert.Equal((sent.Width, sent.Height), (got.Width, got.Height));
            for (var x = 0; x < sent.Width; x += 7)
                for (var y = 0; y < sent.Height; y += 5)
                    Assert.Equal(sent.GetPixel(x, y), got.GetPixel(x, y));
        }

        var (used, _) = await UsageAsync(practice.Workspace.Id);
        Assert.Equal(bytes.Length, used);
    }

    [Fact]
    public async Task A_phone_photo_loses_its_gps_and_a_pdf_its_author()
    {
        var (_, client, api) = await PracticeAsync();
        var jpeg = UploadSamples.JpegWithGps();
        Assert.True(UploadSamples.Contains(jpeg, UploadSamples.ExifMarker));
        var photo = await CreatedAsync(await api.PostAsync(Files(client), Multipart(jpeg, "IMG_2041.jpg", "image/jpeg")));
        var photoBytes = await api.GetByteArrayAsync($"{Files(client)}/{Id(photo)}/content");
        Assert.False(UploadSamples.Contains(photoBytes, UploadSamples.ExifMarker));
        Assert.False(UploadSamples.Contains(photoBytes, "Exif"));
        using (var decoded = UploadSamples.Decode(photoBytes)) Assert.Equal(80, decoded.Width);

        var pdf = UploadSamples.PdfWithAuthor();
        Assert.True(UploadSamples.Contains(pdf, UploadSamples.PdfAuthor));
        var letter = await CreatedAsync(await api.PostAsync(Files(client), Multipart(pdf, "referral.pdf", "application/pdf")));
        var letterBytes = await api.GetByteArrayAsync($"{Files(client)}/{Id(letter)}/content");
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(letterBytes, 0, 5));
        Assert.False(UploadSamples.Contains(letterBytes, UploadSamples.PdfAuthor));
        Assert.False(UploadSamples.Contains(letterBytes, "Referral for Noa Cohen"));
        Assert.False(letter["has_thumbnail"]!.GetValue<bool>());
    }

    // The files are made inside the test: xunit serializes theory data into every test case it discovers, and a 10 MiB
    // array there cost the test host gigabytes before a single test ran.
    [Theory]
    [InlineData("an exe renamed png", "photo.png", 415, "Only JPEG, PNG or WebP pictures and PDF documents")]
    [InlineData("a png with a pdf header", "scan.png", 422, "PDF")]
    [InlineData("an empty file", "empty.pdf", 422, "empty")]
    [InlineData("10 MiB and one byte", "big.png", 413, "10 MB")]
    [InlineData("30,000 × 30,000 pixels", "bomb.png", 422, "30000")]
    public async Task A_refused_file_gets_a_clear_message_and_nothing_is_stored_or_reserved(string what, string name, int status, string says)
    {
        byte[] bytes = what switch
        {
            "an exe renamed png" => UploadSamples.Exe(),
            "a png with a pdf header" => [.. "%PDF-1.7\n"u8, .. UploadSamples.Png()],
            "an empty file" => [],
            "10 MiB and one byte" => [.. UploadSamples.Png(), .. new byte[10 * 1024 * 1024 + 1 - UploadSamples.Png().Length]],
            _ => UploadSamples.PngHeaderClaiming(30_000, 30_000),
        };
        var (practice, client, api) = await PracticeAsync();
        var response = await api.PostAsync(Files(client), Multipart(bytes, name, "image/png"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, (await response.JsonAsync())["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await RowsAsync());
        Assert.Equal(0, (await UsageAsync(practice.Workspace.Id)).Used);
        Assert.Empty(StoredObjects());
    }

    [Theory]
    [InlineData("../../x.png", "x.png")]
    [InlineData("C:\\Users\\dana\\posture.png", "posture.png")]
    [InlineData("line\r\nbreak.png", "linebreak.png")]
    [InlineData("invoice\u202Egnp.exe", "invoicegnp.png")]
    public async Task A_hostile_name_is_kept_only_as_a_safe_display_name(string sent, string kept)
    {
        var (_, client, api) = await PracticeAsync();
        var created = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), sent, "image/png")));
        Assert.Equal(kept, created["name"]!.GetValue<string>());
        var stored = await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().SingleAsync());
        Assert.DoesNotContain("..", stored.StorageKey);
        Assert.Matches("^[0-9a-f]{32}/[0-9a-f]{32}$", stored.StorageKey);
    }

    [Fact]
    public async Task A_300_character_name_is_shortened_and_keeps_its_extension()
    {
        var (_, client, api) = await PracticeAsync();
        var created = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), new string('a', 300) + ".png", "image/png")));
        var name = created["name"]!.GetValue<string>();
        Assert.True(name.Length <= FileNames.MaxLength, name);
        Assert.EndsWith(".png", name);
    }

    [Fact]
    public async Task Twenty_concurrent_uploads_never_pass_the_quota()
    {
        var (practice, client, api) = await PracticeAsync();
        // One upload measures a cleaned file's size; the quota then leaves room for exactly three more, plus a little.
        var png = UploadSamples.Png(200, 150);
        var first = await CreatedAsync(await api.PostAsync(Files(client), Multipart(png, "first.png", "image/png")));
        var size = first["size_bytes"]!.GetValue<long>();
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE workspaces SET storage_quota_bytes = {size * 4 + size / 2} WHERE id = {practice.Workspace.Id}"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => api.PostAsync(Files(client), Multipart(png, $"p{i}.png", "image/png"))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.InsufficientStorage));
        var refusal = await responses.First(r => r.StatusCode == HttpStatusCode.InsufficientStorage).JsonAsync();
        Assert.Contains("storage is full", refusal["detail"]!.GetValue<string>());
        var (used, quota) = await UsageAsync(practice.Workspace.Id);
        Assert.Equal(4 * size, used);
        Assert.True(used <= quota);
        Assert.Equal(4, await RowsAsync());
    }

    [Fact]
    public async Task The_stored_object_is_not_the_file_and_reads_back_only_through_the_key()
    {
        var (_, client, api) = await PracticeAsync();
        var pdf = UploadSamples.PdfWithAuthor();
        var created = await CreatedAsync(await api.PostAsync(Files(client), Multipart(pdf, "consent.pdf")));
        var downloaded = await api.GetByteArrayAsync($"{Files(client)}/{Id(created)}/content");

        var stored = await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().SingleAsync());
        var objects = StoredObjects();
        var raw = await File.ReadAllBytesAsync(Assert.Single(objects, o => o.EndsWith(stored.StorageKey.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal) || o.Contains(stored.Id.ToString("N"))));
        Assert.False(UploadSamples.Contains(raw, "%PDF"));
        Assert.True(raw.AsSpan().IndexOf(downloaded.AsSpan(0, 64)) < 0);
    }

    [Fact]
    public async Task Rename_delete_restore_and_the_purge_after_30_days_release_the_quota()
    {
        var (practice, client, api) = await PracticeAsync();
        var created = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), "scan.png", "image/png")));
        var url = $"{Files(client)}/{Id(created)}";

        var renamed = await api.PatchAsync(url, ApiClients.Raw("""{"name":"Posture, 3 Dec.png"}"""));
        Assert.Equal("Posture, 3 Dec.png", (await renamed.JsonAsync())["name"]!.GetValue<string>());
        var badName = await api.PatchAsync(url, ApiClients.Raw("""{"name":"   "}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badName.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync(url)).StatusCode);
        Assert.Empty((await (await api.GetAsync(Files(client))).JsonAsync()).AsArray());
        Assert.Single((await (await api.GetAsync(Files(client) + "?deleted=true")).JsonAsync()).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(url + "/content")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(url + "/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(url + "/content")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync(url)).StatusCode);
        App.Clock.Advance(Attachment.DeleteGrace - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await PurgeAsync());
        Assert.NotEqual(0, (await UsageAsync(practice.Workspace.Id)).Used);
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsync(url + "/restore", null)).StatusCode);
        Assert.Equal(1, await PurgeAsync());

        Assert.Equal(0, (await UsageAsync(practice.Workspace.Id)).Used);
        Assert.Equal(0, await RowsAsync());
        Assert.Empty(StoredObjects());
        var purge = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.ResourceId == Id(created) && e.Action == AuditAction.Delete).ToListAsync());
        Assert.Single(purge);
    }

    [Fact]
    public async Task Downloads_and_lists_are_audited_as_reads_and_changes_as_changes()
    {
        var (practice, client, api) = await PracticeAsync();
        var a = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), "a.png", "image/png")));
        var b = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), "b.png", "image/png")));
        await api.GetAsync(Files(client));
        await api.GetByteArrayAsync($"{Files(client)}/{Id(a)}/content");
        await api.PatchAsync($"{Files(client)}/{Id(b)}", ApiClients.Raw("""{"name":"renamed.png"}"""));

        var events = await App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.WorkspaceId == practice.Workspace.Id && e.ResourceType == nameof(Attachment)).OrderBy(e => e.Id).ToListAsync());
        var reads = events.Where(e => e.Action == AuditAction.Read).ToList();
        Assert.Equal(2, reads.Count);
        Assert.Contains(Id(a).ToString(), reads[0].Metadata);
        Assert.Contains(Id(b).ToString(), reads[0].Metadata);
        Assert.Equal(Id(a), reads[1].ResourceId);
        Assert.Equal(2, events.Count(e => e.Action == AuditAction.Create));
        var rename = Assert.Single(events, e => e.Action == AuditAction.Update);
        Assert.DoesNotContain("renamed.png", rename.Changes ?? "");
    }

    [Fact]
    public async Task Every_endpoint_answers_404_for_another_practices_client_note_or_file()
    {
        var (_, client, api) = await PracticeAsync();
        var file = await CreatedAsync(await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), "mine.png", "image/png")));
        var (_, otherClient, other) = await PracticeAsync("eli@example.com", "Other Practice");
        var theirNote = await App.WithDbAsync(async db =>
        {
            var note = SessionNote.Create(otherClient.WorkspaceId, otherClient.Id, DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime));
            db.Add(note);
            await db.SaveChangesAsync();
            return note.Id;
        });
        var mine = $"{Files(client)}/{Id(file)}";
        var underTheirs = $"/api/v1/clients/{otherClient.Id}/attachments/{Id(file)}";

        foreach (var (method, url) in new[]
        {
            (HttpMethod.Get, Files(client)), (HttpMethod.Post, Files(client)), (HttpMethod.Get, mine), (HttpMethod.Get, mine + "/content"),
            (HttpMethod.Patch, mine), (HttpMethod.Delete, mine), (HttpMethod.Post, mine + "/restore"), (HttpMethod.Get, underTheirs),
        })
        {
            using var request = new HttpRequestMessage(method, url);
            if (method == HttpMethod.Post && !url.EndsWith("/restore", StringComparison.Ordinal)) request.Content = Multipart(UploadSamples.Png(), "x.png");
            if (method == HttpMethod.Patch) request.Content = ApiClients.Raw("""{"name":"x.png"}""");
            var response = await other.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {url}: {(int)response.StatusCode}");
        }
        // The owner's own note route with a file of the client (not of the note) is not found either.
        foreach (var url in new[] { $"/api/v1/session-notes/{theirNote}/attachments", $"/api/v1/session-notes/{theirNote}/attachments/{Id(file)}" })
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/session-notes/{theirNote}/attachments", Multipart(UploadSamples.Png(), "x.png"))).StatusCode);
        Assert.Equal(1, await RowsAsync());
    }

    [Fact]
    public async Task A_notes_files_go_and_come_back_with_the_note_and_assistants_may_not_open_them()
    {
        var (practice, client, api) = await PracticeAsync();
        var note = await (await api.PostJsonAsync("/api/v1/session-notes", new { client_id = client.Id, subjective = "Shoulder" })).JsonAsync();
        var noteId = note["id"]!.GetValue<Guid>();
        var files = $"/api/v1/session-notes/{noteId}/attachments";
        var file = await CreatedAsync(await api.PostAsync(files, Multipart(UploadSamples.Png(), "shoulder.png", "image/png")));
        Assert.Equal(noteId, file["session_note_id"]!.GetValue<Guid>());
        Assert.Empty((await (await api.GetAsync(Files(client))).JsonAsync()).AsArray()); // the client's own files only

        var assistant = await App.AssistantAsync(practice.Workspace.Id);
        var asAssistant = await App.ApiClientAsync(assistant.Email);
        var refused = await asAssistant.GetAsync(files);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("owners", (await refused.JsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await asAssistant.GetAsync($"{files}/{Id(file)}/content")).StatusCode);

        var deleted = await api.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/session-notes/{noteId}") { Content = ApiClients.Raw("""{"reason":"Wrong client"}""") });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var gone = await App.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().SingleAsync());
        Assert.True(gone.IsDeleted && gone.DeletedWithNote);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsync($"{files}/{Id(file)}/restore", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/session-notes/{noteId}/restore", null)).StatusCode);
        Assert.Single((await (await api.GetAsync(files)).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_refused_with_415()
    {
        var (_, client, api) = await PracticeAsync();
        var response = await api.PostAsync(Files(client), ApiClients.Raw("""{"file":"x"}"""));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await RowsAsync());
    }

    [Fact]
    public async Task Uploads_beyond_the_per_user_limit_get_429_with_retry_after()
    {
        var (_, client, api) = await PracticeAsync();
        // Refused files count too: the limit is on attempts, before the body is read.
        for (var i = 0; i < 60; i++)
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await api.PostAsync(Files(client), Multipart(UploadSamples.Exe(), $"{i}.png"))).StatusCode);

        var response = await api.PostAsync(Files(client), Multipart(UploadSamples.Png(), "one-more.png", "image/png"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, await RowsAsync());
    }

    private async Task<int> PurgeAsync()
    {
        using var scope = App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AttachmentPurgeJob>().RunAsync();
    }

    /// <summary>Every object in the test app's file storage (encrypted files and thumbnails).</summary>
    private string[] StoredObjects() =>
        Directory.Exists(App.FilesFolder) ? Directory.GetFiles(App.FilesFolder, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToArray() : [];
}
