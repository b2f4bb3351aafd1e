namespace PazPaz.Operations;

/// <summary>
/// What one process of the app does (PazPaz:Role). <c>all</c> (the default, ./run.sh and the tests): pages, API and the job
/// server. <c>web</c>: pages and API, no job server (it still sends the sign-in links and invitations its own requests ask
/// for at once, see SignInMail: nobody should wait a minute for a worker to sign in). <c>worker</c>: the job server
/// (reminders, digests, event e-mails, retries, purges) and only /healthz, /readyz and /metrics over HTTP. Scaled out: any
/// number of each.
/// </summary>
public enum ProcessRole { All, Web, Worker }

public static class ProcessRoles
{
    public const string Setting = "PazPaz:Role";

    public static bool TryParse(string? text, out ProcessRole role)
    {
        role = ProcessRole.All;
        if (string.IsNullOrWhiteSpace(text)) return true;
        return Enum.TryParse(text.Trim(), ignoreCase: true, out role) && Enum.IsDefined(role);
    }

    /// <summary>The configured role (StartupCheck has refused a value that is none of them).</summary>
    public static ProcessRole Of(IConfiguration configuration) =>
        TryParse(configuration[Setting], out var role) ? role : ProcessRole.All;

    /// <summary>
    /// The worker always runs the job server; a web process never does; <c>all</c> does unless Jobs:RunInWebApp is false
    /// (the older switch, kept: such a process is a web process that still sends sign-in e-mails itself).
    /// </summary>
    public static bool RunsJobServer(this ProcessRole role, IConfiguration configuration) => role switch
    {
        ProcessRole.Worker => true,
        ProcessRole.Web => false,
        _ => configuration.GetSection("Jobs").Get<JobsOptions>()?.RunInWebApp != false,
    };

    public static bool ServesRequests(this ProcessRole role) => role != ProcessRole.Worker;
}
