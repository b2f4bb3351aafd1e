using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using PazPaz.Files;
using PazPaz.Tests.Api;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Files;

/// <summary>The S3 settings of a test app, and a plain S3 client to look at the bucket as an intruder with a copy would.</summary>
public sealed record S3Settings(S3StorageOptions Options)
{
    public AmazonS3Client Client() => new(Options.AccessKey, Options.SecretKey,
        new AmazonS3Config { ServiceURL = Options.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
}

[Collection(S3Collection.Name)]
public sealed class AttachmentsOnS3Tests(S3App app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_photo_and_a_pdf_round_trip_through_the_bucket_encrypted_and_cleaned()
    {
        var practice = await app.PracticeAsync();
        var client = await app.ClientAsync(practice.Workspace.Id);
        var api = await app.ApiClientAsync(practice.Owner.Email);
        var files = $"/api/v1/clients/{client.Id}/attachments";

        var photo = await api.PostAsync(files, AttachmentsApiTests.Multipart(UploadSamples.JpegWithGps(), "phone.jpg", "image/jpeg"));
        Assert.Equal(HttpStatusCode.Created, photo.StatusCode);
        var pdf = await api.PostAsync(files, AttachmentsApiTests.Multipart(UploadSamples.PdfWithAuthor(), "letter.pdf", "application/pdf"));
        Assert.Equal(HttpStatusCode.Created, pdf.StatusCode);
        var photoId = (await photo.JsonAsync())["id"]!.GetValue<Guid>();
        var pdfId = (await pdf.JsonAsync())["id"]!.GetValue<Guid>();

        var photoBytes = await api.GetByteArrayAsync($"{files}/{photoId}/content");
        Assert.False(UploadSamples.Contains(photoBytes, UploadSamples.ExifMarker));
        using (var decoded = UploadSamples.Decode(photoBytes)) Assert.Equal(80, decoded.Width);
        var pdfBytes = await api.GetByteArrayAsync($"{files}/{pdfId}/content");
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdfBytes, 0, 5));
        Assert.False(UploadSamples.Contains(pdfBytes, UploadSamples.PdfAuthor));

        // In the bucket: our own key, and bytes that are neither the PDF nor anything read without the key.
        var key = await app.WithDbAsync(db => db.Attachments.IgnoreQueryFilters().Where(a => a.Id == pdfId).Select(a => a.StorageKey).SingleAsync());
        using var s3 = app.S3.Client();
        using var stored = await s3.GetObjectAsync(new GetObjectRequest { BucketName = app.S3.Options.Bucket, Key = key });
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.False(UploadSamples.Contains(copy.ToArray(), "%PDF"));
        Assert.True(copy.Length > pdfBytes.Length);

        // Deleted and purged: the objects leave the bucket and the quota.
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"{files}/{pdfId}")).StatusCode);
        app.Clock.Advance(PazPaz.Domain.Attachment.DeleteGrace + TimeSpan.FromMinutes(1));
        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services))
            Assert.Equal(1, await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<AttachmentPurgeJob>(scope.ServiceProvider).RunAsync());
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = app.S3.Options.Bucket, Key = key }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
