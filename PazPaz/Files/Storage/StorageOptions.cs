namespace PazPaz.Files;

/// <summary>The "Storage" section: where attachments (always encrypted by <see cref="FileVault"/>) are kept.</summary>
public sealed class StorageOptions
{
    /// <summary>"Disk" (default) or "S3", case-insensitive.</summary>
    public string Provider { get; set; } = "Disk";
    public DiskStorageOptions Disk { get; set; } = new();
    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>The "Storage:Disk" section.</summary>
public sealed class DiskStorageOptions
{
    /// <summary>
    /// The folder objects are kept under. A relative path is resolved against the process's current directory (which is
    /// the app's content root when it is started from its own folder, as in the container's /app); run.sh gives an
    /// absolute path.
    /// </summary>
    public string Root { get; set; } = ".data/files";
}

/// <summary>The "Storage:S3" section: AWS S3 or anything that speaks its API (MinIO, s3rver).</summary>
public sealed class S3StorageOptions
{
    /// <summary>Endpoint of an S3-compatible server, e.g. http://minio:9000. Leave empty for AWS, which goes by <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>AWS region; with a <see cref="ServiceUrl"/> only used for signing (default us-east-1).</summary>
    public string? Region { get; set; }
    public string? Bucket { get; set; }
    /// <summary>With <see cref="SecretKey"/>; both empty on AWS means the SDK's own credentials (environment, instance role).</summary>
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>http://host/bucket/key instead of http://bucket.host/key; MinIO and s3rver need it.</summary>
    public bool ForcePathStyle { get; set; }
    /// <summary>
    /// Send uploads in aws-chunked encoding (the SDK's default, right for AWS). s3rver does not decode it: it stores the
    /// chunk framing and signatures as if they were the object, and the upload still "succeeds", so set false there.
    /// </summary>
    public bool UseChunkEncoding { get; set; } = true;
}
