using Hangfire;
using Hangfire.PostgreSql;
using PazPaz.Data;
using PazPaz.Files;
using PazPaz.Notes;
using PazPaz.Operations;

namespace PazPaz.Notifications;

public static class NotificationsSetup
{
    public const string DashboardPath = "/admin/jobs";

    /// <summary>
    /// E-mail and the jobs that send it. Hangfire keeps its state in the app's database (schema "hangfire"); the job
    /// server runs when <paramref name="runServer"/> is true: in the web app unless Jobs:RunInWebApp is false, and
    /// always in the <c>worker</c> process.
    /// </summary>
    public static IServiceCollection AddPazPazNotifications(this IServiceCollection services, IConfiguration configuration, bool runServer)
    {
        var jobs = configuration.GetSection("Jobs").Get<JobsOptions>() ?? new JobsOptions();
        services.Configure<JobsOptions>(configuration.GetSection("Jobs"));
        services.AddScoped<EmailSender>();
        services.AddScoped<AppointmentEvents>();
        services.AddScoped<DueEmails>();
        services.AddScoped<NotificationMessages>();
        services.AddScoped<NotificationJob>();
        services.AddSingleton<DeliverySender>();

        var polling = TimeSpan.FromSeconds(Math.Max(1, jobs.PollingSeconds));
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(configuration.GetConnectionString("Default")),
                new PostgreSqlStorageOptions
                {
                    SchemaName = SchemaOwner.HangfireSchema,
                    // With an owner role, the owner prepares the schema at start-up (SchemaOwner); the app's role cannot create tables.
                    PrepareSchemaIfNecessary = !SchemaOwner.IsSeparate(configuration),
                    QueuePollInterval = polling,
                }));
        if (runServer)
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Max(1, jobs.WorkerCount);
                o.SchedulePollingInterval = polling;
            });
        return services;
    }

    /// <summary>Registers (or updates) every recurring job (e-mail, and the session-notes purge); idempotent, so every process may call it at start.</summary>
    public static void ScheduleNotificationJobs(this IServiceProvider services)
    {
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        jobs.AddOrUpdate<NotificationJob>(NotificationJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Minutely(), utc);
        jobs.AddOrUpdate<NotificationJob>(NotificationJob.PurgeId, job => job.PurgeAsync(CancellationToken.None), Cron.Daily(3), utc);
        // Files first: a deleted note's files are due the same day as the note, which waits for them.
        jobs.AddOrUpdate<AttachmentPurgeJob>(AttachmentPurgeJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(3, 15), utc);
        jobs.AddOrUpdate<SessionNotePurgeJob>(SessionNotePurgeJob.RecurringId, job => job.RunAsync(CancellationToken.None), Cron.Daily(3, 30), utc);
    }

    /// <summary>The Hangfire dashboard, for platform admins only (others get the sign-in page or 403).</summary>
    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboardWithAuthorizationPolicy("PlatformAdmin", DashboardPath,
            new DashboardOptions { DashboardTitle = "PazPaz jobs", AppPath = "/", DisplayStorageConnectionString = false });

    /// <summary>
    /// <c>PazPaz worker</c>: the job server alone, no HTTP, for when the app is scaled out and the web processes run
    /// with Jobs:RunInWebApp=false. Same settings (appsettings, environment variables) and the same services the jobs use.
    /// </summary>
    public static async Task<int> RunWorkerAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // Deployments set ASPNETCORE_ENVIRONMENT for the web app; the worker reads the same appsettings.{env}.json.
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"),
        });
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }
        if (!StartupCheck.CanStart(builder.Configuration, "PazPaz worker")) return 1;

        builder.Services.AddPazPazSettings(builder.Configuration);
        builder.Services.AddScoped<Auth.CurrentUser>(); // stays empty: jobs see every practice
        builder.Services.AddPazPazData(builder.Configuration);
        builder.Services.AddPazPazNotifications(builder.Configuration, runServer: true);
        builder.Services.AddScoped<SessionNotePurgeJob>(); // the one notes job; the notes service itself is for requests
        builder.Services.AddPazPazStorage(builder.Configuration);
        builder.Services.AddScoped<AttachmentPurgeJob>();

        using var host = builder.Build();
        await host.Services.PrepareDatabaseAsync();
        host.Services.ScheduleNotificationJobs();
        host.Services.GetRequiredService<ILogger<NotificationJob>>().LogInformation("PazPaz worker started: running jobs, no HTTP");
        await host.RunAsync();
        return 0;
    }
}
