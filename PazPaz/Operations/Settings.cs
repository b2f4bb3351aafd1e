namespace PazPaz.Operations;

public static class SettingsSetup
{
    /// <summary>The clock and the configuration sections every process (web app, worker) reads.</summary>
    public static IServiceCollection AddPazPazSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.Configure<PazPazOptions>(configuration.GetSection("PazPaz"));
        services.Configure<SmtpOptions>(configuration.GetSection("Smtp"));
        services.Configure<EmailOptions>(configuration.GetSection("Email"));
        return services;
    }
}

/// <summary>The "PazPaz" configuration section.</summary>
public sealed class PazPazOptions
{
    /// <summary>Absolute URL users reach the app at; e-mailed links and feed URLs start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";
    public bool SeedDemo { get; set; }
    public bool MigrateOnStartup { get; set; } = true;
    /// <summary>Idle minutes before a session ends; the same number drives the page's warning banner.</summary>
    public int SessionIdleMinutes { get; set; } = 30;
    /// <summary>Sign-in link requests one IP address may make per 15 minutes.</summary>
    public int SignInRequestsPerIp { get; set; } = 10;
    /// <summary>Two-step codes one IP address may submit per 15 minutes (sign-in and Settings).</summary>
    public int TwoFactorAttemptsPerIp { get; set; } = 30;
    /// <summary>Wrong two-step codes per user per 15 minutes, over all their sign-in links and Settings; then 429.</summary>
    public int TwoFactorFailuresPerUser { get; set; } = 10;
    /// <summary>Fetches of one calendar feed URL per minute (calendar apps poll every 15 minutes to a day).</summary>
    public int FeedRequestsPerToken { get; set; } = 30;
    /// <summary>Feed fetches per minute from one IP address; generous because Google and Apple fetch many users' feeds from shared addresses.</summary>
    public int FeedRequestsPerIp { get; set; } = 600;
    /// <summary>Memory for the last body of each calendar feed, answered again while the feed is unchanged (0 turns it off).</summary>
    public int FeedCacheMegabytes { get; set; } = 64;
    /// <summary>Files one user may upload per minute (each file is one upload; answered 429 with Retry-After beyond).</summary>
    public int UploadsPerUserPerMinute { get; set; } = 60;
    /// <summary>API requests per minute per token (and per user for the browser's own API calls); 429 with Retry-After beyond.</summary>
    public int ApiRequestsPerTokenPerMinute { get; set; } = 600;
}

/// <summary>The "Smtp" section; an empty Host means e-mail is written to <see cref="EmailOptions.PickupDirectory"/>.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "PazPaz <no-reply@pazpaz.local>";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public bool UseStartTls { get; set; }
}

/// <summary>The "Email" section.</summary>
public sealed class EmailOptions
{
    public string PickupDirectory { get; set; } = ".data/mail";
}

/// <summary>The "Encryption" section: versioned AES-256 keys (base64 of 32 bytes) and the one new writes use.</summary>
public sealed class EncryptionOptions
{
    public int CurrentKeyVersion { get; set; } = 1;
    public Dictionary<string, string> Keys { get; set; } = [];
}

/// <summary>The "Jobs" section: the Hangfire job server and the e-mail notifications it drives.</summary>
public sealed class JobsOptions
{
    /// <summary>Run the job server inside the web app (default). Turn off when separate <c>worker</c> processes run it.</summary>
    public bool RunInWebApp { get; set; } = true;
    /// <summary>Hangfire worker threads per process.</summary>
    public int WorkerCount { get; set; } = 2;
    /// <summary>How often the job server looks for recurring and scheduled jobs.</summary>
    public int PollingSeconds { get; set; } = 5;
    /// <summary>SMTP connections used at once to send the e-mails that fell due.</summary>
    public int SendParallelism { get; set; } = 4;
    /// <summary>E-mails taken per round trip to the database (each connection sends them one after another).</summary>
    public int SendBatchSize { get; set; } = 100;
}
