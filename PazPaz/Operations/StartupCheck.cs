using MimeKit;
using PazPaz.Files;
using PazPaz.Security;

namespace PazPaz.Operations;

/// <summary>Reads and checks the configuration once, so a bad setting stops start-up with a message, not a 500 later.</summary>
public static class StartupCheck
{
    /// <summary>
    /// Prints every problem to stderr under "<paramref name="process"/> cannot start" and returns false when there is one;
    /// the web app and the worker start the same way.
    /// </summary>
    public static bool CanStart(IConfiguration configuration, string process)
    {
        var problems = Problems(configuration);
        if (problems.Count == 0) return true;
        Console.Error.WriteLine($"{process} cannot start; fix these settings:");
        foreach (var problem in problems) Console.Error.WriteLine($"  - {problem}");
        return false;
    }

    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Default")))
            problems.Add("ConnectionStrings__Default is missing (e.g. Host=db;Database=pazpaz;Username=pazpaz_app;Password=…).");
        problems.AddRange(ConnectionProblems(configuration));

        var baseUrl = configuration["PazPaz:PublicBaseUrl"];
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            problems.Add("PazPaz__PublicBaseUrl must be the absolute http(s) URL users open (e.g. https://pazpaz.example.com).");

        var smtp = configuration.GetSection("Smtp").Get<SmtpOptions>() ?? new SmtpOptions();
        if (!string.IsNullOrWhiteSpace(smtp.Host))
        {
            if (smtp.Port is < 1 or > 65535) problems.Add("Smtp__Port must be between 1 and 65535.");
            if (!MailboxAddress.TryParse(smtp.From, out _)) problems.Add("Smtp__From must be an address such as \"PazPaz <no-reply@example.com>\".");
        }
        else if (string.IsNullOrWhiteSpace(configuration["Email:PickupDirectory"]))
        {
            problems.Add("Set Smtp__Host (and Smtp__Port, Smtp__From) or Email__PickupDirectory so that e-mail can go somewhere.");
        }

        try { Encryptor(configuration); }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException) { problems.Add(e.Message); }

        problems.AddRange(StorageSetup.Problems(configuration));
        if (!ProcessRoles.TryParse(configuration[ProcessRoles.Setting], out _))
            problems.Add("PazPaz__Role must be all (the default: pages, API and jobs), web (pages and API) or worker (jobs only).");
        problems.AddRange(MetricsAccess.Problems(configuration));
        return problems;
    }

    /// <summary>The two connection strings of <see cref="Data.SchemaOwner"/>: the app's role and, optionally, the owner that migrates.</summary>
    private static IEnumerable<string> ConnectionProblems(IConfiguration configuration)
    {
        var app = Parse(configuration.GetConnectionString("Default"));
        if (app is { Ok: false }) yield return "ConnectionStrings__Default is not a valid connection string (Host=…;Database=…;Username=…;Password=…).";
        var ownerText = configuration.GetConnectionString(Data.SchemaOwner.ConnectionName);
        if (ownerText is null) yield break; // one role, as before
        var owner = Parse(ownerText);
        if (owner is null or { Ok: false })
        {
            yield return "ConnectionStrings__Migrations is empty or not a valid connection string: set it to the owner role that applies migrations " +
                "(Host=…;Database=…;Username=pazpaz;Password=…), or remove it to run everything as ConnectionStrings__Default.";
            yield break;
        }
        if (app is not { Ok: true }) yield break;
        if (string.IsNullOrEmpty(app.Value.Builder!.Username))
            yield return "ConnectionStrings__Default needs Username= (the app's role, e.g. pazpaz_app) when ConnectionStrings__Migrations is set.";
        if (!string.Equals(owner.Value.Builder!.Database ?? "", app.Value.Builder!.Database ?? "", StringComparison.Ordinal))
            yield return "ConnectionStrings__Migrations and ConnectionStrings__Default must name the same Database.";
    }

    private static (bool Ok, Npgsql.NpgsqlConnectionStringBuilder? Builder)? Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        try { return (true, new Npgsql.NpgsqlConnectionStringBuilder(connectionString)); }
        catch (ArgumentException) { return (false, null); }
    }

    public static FieldEncryptor Encryptor(IConfiguration configuration)
    {
        var options = configuration.GetSection("Encryption").Get<EncryptionOptions>() ?? new EncryptionOptions();
        if (options.Keys.Count == 0)
            throw new InvalidOperationException("Encryption__Keys__1 is missing: set it to 32 random bytes in base64 (openssl rand -base64 32) and Encryption__CurrentKeyVersion to 1.");
        var keys = new Dictionary<int, byte[]>();
        foreach (var (version, base64) in options.Keys)
        {
            if (!int.TryParse(version, out var number) || number < 1)
                throw new InvalidOperationException($"Encryption__Keys__{version}: key versions are positive whole numbers.");
            try { keys[number] = Convert.FromBase64String(base64); }
            catch (FormatException) { throw new InvalidOperationException($"Encryption__Keys__{version} is not base64."); }
        }
        return new FieldEncryptor(keys, options.CurrentKeyVersion);
    }
}
