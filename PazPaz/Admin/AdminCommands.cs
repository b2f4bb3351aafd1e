using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Admin;

/// <summary>
/// The operator's command line: <c>PazPaz admin &lt;command&gt; --option value …</c>. Useful on a fresh install with no mail server.
/// Exit codes: 0 done, 1 refused (with a message), 2 wrong usage.
/// </summary>
public static class AdminCommands
{
    public const string Usage = """
        Usage: PazPaz admin <command> [options]

          create-workspace    --name N --owner-email E --owner-name F [--timezone Z]   (Z: IANA zone, default UTC)
          sign-in-link        --email E          prints a one-time sign-in link (valid 10 minutes)
          create-api-token    --email E --name N prints a personal API token once (use as Authorization: Bearer …)
          make-platform-admin --email E
          migrate                                applies database migrations and exits
          encrypt-fields                         encrypts client and appointment values still stored in plaintext
                                                 (the app also does this in the background at start-up)
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? error : output).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (!TryParseOptions(args[1..], out var options, out var problem))
        {
            error.WriteLine(problem);
            error.WriteLine(Usage);
            return 2;
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        try
        {
            await db.Database.MigrateAsync();
            return args[0] switch
            {
                "create-workspace" => await CreateWorkspaceAsync(db, clock, options, output, error),
                "sign-in-link" => await SignInLinkAsync(scope.ServiceProvider, options, output, error),
                "create-api-token" => await CreateApiTokenAsync(db, options, output, error),
                "make-platform-admin" => await MakePlatformAdminAsync(db, options, output, error),
                "migrate" => Done(output, "Migrations applied."),
                "encrypt-fields" => await EncryptFieldsAsync(scope.ServiceProvider, output),
                _ => Wrong(error, $"Unknown command '{args[0]}'."),
            };
        }
        catch (MissingOptionException e) { return Wrong(error, e.Message); }
        catch (DomainException e) { error.WriteLine(e.Message); return 1; }
        catch (Npgsql.NpgsqlException e) { error.WriteLine($"The database could not be reached: {e.Message}"); return 1; }
    }

    private static async Task<int> EncryptFieldsAsync(IServiceProvider services, TextWriter output)
    {
        var rewritten = await services.GetRequiredService<PlaintextEncryption>().RunAsync(CancellationToken.None);
        output.WriteLine($"Encrypted {rewritten["clients"]} clients and {rewritten["appointments"]} appointments still in plaintext.");
        return 0;
    }

    private static async Task<int> CreateWorkspaceAsync(PazPazDb db, TimeProvider clock, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var timeZone = options.GetValueOrDefault("timezone", "UTC");
        if (!TimeZones.IsValid(timeZone)) { error.WriteLine($"'{timeZone}' is not an IANA time zone (e.g. Europe/London)."); return 1; }
        var email = Require(options, "owner-email");
        if (!User.LooksLikeEmail(email)) { error.WriteLine($"'{email}' is not a valid e-mail address."); return 1; }
        var now = clock.GetUtcNow();
        var workspace = Workspace.Create(Require(options, "name"), timeZone, now);
        var owner = User.Create(workspace.Id, email, Require(options, "owner-name"), UserRole.Owner, now);
        db.AddRange(workspace, owner, UserNotificationSettings.CreateDefaults(workspace.Id, owner.Id));
        await db.SaveChangesAsync();
        output.WriteLine($"Created workspace '{workspace.Name}' ({workspace.Id}, {workspace.TimeZone}) with owner {owner.Email}.");
        return 0;
    }

    private static async Task<int> SignInLinkAsync(IServiceProvider services, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var email = Require(options, "email");
        var url = await services.GetRequiredService<SignInLinks>().CreateForOperatorAsync(email);
        if (url is null) { error.WriteLine($"No active user {email} in an active workspace."); return 1; }
        output.WriteLine(url);
        return 0;
    }

    private static async Task<int> CreateApiTokenAsync(PazPazDb db, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var email = Require(options, "email");
        var user = await FindUserAsync(db, email);
        if (user is null) { error.WriteLine($"No active user {email}."); return 1; }
        var token = "pzp_" + Tokens.New();
        db.ApiTokens.Add(ApiToken.Create(user.WorkspaceId, user.Id, Require(options, "name"), Tokens.Hash(token), token[..10]));
        await db.SaveChangesAsync();
        output.WriteLine(token);
        error.WriteLine("Keep this token now: it is shown only once. Send it as 'Authorization: Bearer <token>'.");
        return 0;
    }

    private static async Task<int> MakePlatformAdminAsync(PazPazDb db, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var email = Require(options, "email");
        var user = await FindUserAsync(db, email);
        if (user is null) { error.WriteLine($"No active user {email}."); return 1; }
        user.MakePlatformAdmin();
        await db.SaveChangesAsync();
        output.WriteLine($"{user.Email} is now a platform admin.");
        return 0;
    }

    private static Task<User?> FindUserAsync(PazPazDb db, string email)
    {
        var normalized = User.NormalizeEmail(email);
        return db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.Email == normalized && u.IsActive)
            .OrderBy(u => u.CreatedAt).FirstOrDefaultAsync();
    }

    private static bool TryParseOptions(string[] args, out Dictionary<string, string> options, out string problem)
    {
        options = [];
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length || args[i + 1].StartsWith("--"))
            {
                problem = $"Expected '--option value' at '{args[i]}'.";
                return false;
            }
            options[args[i][2..]] = args[++i];
        }
        return true;
    }

    private static string Require(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new MissingOptionException($"--{name} is required.");

    private static int Done(TextWriter output, string message) { output.WriteLine(message); return 0; }
    private static int Wrong(TextWriter error, string message) { error.WriteLine(message); error.WriteLine(Usage); return 2; }

    private sealed class MissingOptionException(string message) : Exception(message);
}
