using Hangfire;
using Hangfire.Common;
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
    /// server runs when <paramref name="runServer"/> is true: see <see cref="ProcessRoles.RunsJobServer"/>.
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
            services.AddHangfireServer((provider, o) =>
            {
                o.WorkerCount = Math.Max(1, jobs.WorkerCount);
                o.SchedulePollingInterval = polling;
                // This server's own filter, not Hangfire's global list: jobs are counted in this process's meter only.
                o.FilterProvider = new JobFilterProviderCollection(JobFilterProviders.Providers,
                    new JobFilterCollection { provider.GetRequiredService<JobTelemetry>() });
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
}
