namespace PazPaz.Files;

public static class FilesSetup
{
    /// <summary>The attachments service and its helpers (storage itself: <c>AddPazPazStorage</c>).</summary>
    public static IServiceCollection AddPazPazFiles(this IServiceCollection services)
    {
        services.AddScoped<Attachments>();
        services.AddScoped<AttachmentPurgeJob>();
        services.AddSingleton<UploadThrottle>();
        return services;
    }
}
