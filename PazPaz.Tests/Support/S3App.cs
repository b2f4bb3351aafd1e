using Microsoft.AspNetCore.Hosting;
using PazPaz.Tests.Files;

namespace PazPaz.Tests.Support;

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3App>
{
    public const string Name = "s3";
}

/// <summary>
/// The app keeping its files on a real S3-protocol server: the s3rver ./test.sh starts (scripts/common.sh ensure_s3),
/// with the settings an operator would give for any S3-compatible service. Without that server the tests fail, never skip.
/// </summary>
public sealed class S3App : PazPazApp
{
    public Files.S3Settings S3 { get; } = new(TestS3.Options());

    protected override string DatabaseName => "pazpaz_test_s3";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var s3 = S3.Options;
        builder.UseSetting("Storage:Provider", "S3");
        builder.UseSetting("Storage:S3:ServiceUrl", s3.ServiceUrl);
        builder.UseSetting("Storage:S3:Bucket", s3.Bucket);
        builder.UseSetting("Storage:S3:Region", "us-east-1");
        builder.UseSetting("Storage:S3:AccessKey", s3.AccessKey);
        builder.UseSetting("Storage:S3:SecretKey", s3.SecretKey);
        builder.UseSetting("Storage:S3:ForcePathStyle", "true");
        builder.UseSetting("Storage:S3:UseChunkEncoding", "false");
    }
}
