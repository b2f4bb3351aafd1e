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
          revoke-api-token    <prefix-or-id>     revokes a token at once, for good (its prefix as listed, e.g. pzp_AbC123, or its id)
          list-api-tokens     [--email E]        lists tokens (never the tokens themselves): id, prefix, name, user, dates, state
          make-platform-admin --email E
          invite-therapist    --email E --name F --workspace W --time-zone Z [--by A]
                                                 e-mails E an invitation (valid 7 days) whose acceptance creates the practice W
                                                 (IANA zone Z) with F as its owner; sent on behalf of platform admin A (default:
                                                 the first one made)
          disable-two-factor  --email E          turns two-step sign-in off for someone who lost their phone and backup codes,
                                                 and ends their sessions (they set it up again if their practice requires it)
          migrate                                applies database migrations and exits
          encrypt-fields                         encrypts client and appointment values still stored in plaintext
                                                 (the app also does this in the background at start-up)
          reencrypt [--check]                    re-encrypts every value and file under an older key with the current
                                                 key (Encryption__CurrentKeyVersion), so the old key can be removed;
                                                 --check only counts what is still under another key
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? error : output).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        // One command takes a value without an option name: revoke-api-token <prefix-or-id>.
        var argument = args.Length > 1 && !args[1].StartsWith("--") ? args[1] : null;
        if (!TryParseOptions(args[(argument is null ? 1 : 2)..], out var options, out var problem))
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
            await SchemaOwner.MigrateAsync(scope.ServiceProvider, db);
            return args[0] switch
            {
                "create-workspace" => await CreateWorkspaceAsync(db, clock, options, output, error),
                "sign-in-link" => await SignInLinkAsync(scope.ServiceProvider, options, output, error),
                "create-api-token" => await CreateApiTokenAsync(db, clock, options, output, error),
                "revoke-api-token" => argument is null
                    ? Wrong(error, "revoke-api-token needs the token's prefix or id, e.g. revoke-api-token pzp_AbC123.")
                    : await RevokeApiTokenAsync(db, clock, argument, output, error),
                "list-api-tokens" => await ListApiTokensAsync(db, clock, options, output),
                "make-platform-admin" => await MakePlatformAdminAsync(db, options, output, error),
                "invite-therapist" => await InviteTherapistAsync(scope.ServiceProvider, db, options, output, error),
                "disable-two-factor" => await DisableTwoFactorAsync(db, options, output, error),
                "migrate" => Done(output, "Migrations applied."),
                "encrypt-fields" => await EncryptFieldsAsync(scope.ServiceProvider, output),
                "reencrypt" => await ReencryptAsync(scope.ServiceProvider, options, output),
                _ => Wrong(error, $"Unknown command '{args[0]}'."),
            };
        }
        catch (MissingOptionException e) { return Wrong(error, e.Message); }
        catch (DomainException e) { error.WriteLine(e.Message); return 1; }
        catch (Npgsql.NpgsqlException e) { error.WriteLine($"The database could not be reached: {e.Message}"); return 1; }
    }

    private static async Task<int> ReencryptAsync(IServiceProvider services, Dictionary<string, string> options, TextWriter output)
    {
        var rotation = services.GetRequiredService<Security.KeyRotation>();
        var version = services.GetRequiredService<Security.FieldEncryptor>().CurrentKeyVersion;
        if (options.ContainsKey("check"))
        {
            var outdated = await rotation.CountOutdatedAsync(CancellationToken.None);
            output.WriteLine(outdated == 0
                ? $"Everything is encrypted with key {version}: older keys can be removed."
                : $"{outdated} values or files are still under another key than {version}: run 'admin reencrypt'.");
            return outdated == 0 ? 0 : 1;
        }
        var report = await rotation.RunAsync(CancellationToken.None);
        foreach (var (table, rows) in report.Rows.Where(r => r.Value > 0)) output.WriteLine($"{table}: {rows} rows re-encrypted");
        output.WriteLine($"DataProtection keys: {report.DataProtectionKeys}; files: {report.Files}.");
        if (report.Unreadable > 0)
        {
            output.WriteLine($"{report.Unreadable} values or files open with no configured key (damaged, or under a lost key) and were left as they are.");
            return 1;
        }
        output.WriteLine($"Done: everything is now encrypted with key {version}. Check with 'admin reencrypt --check', then remove older keys.");
        return 0;
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
        db.AddRange(workspace, owner, UserNotificationSettings.CreateDefaults(workspace.Id, owner.Id, WorkingWeek.Default(workspace.TimeZone)));
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

    private static async Task<int> CreateApiTokenAsync(PazPazDb db, TimeProvider clock, Dictionary<string, string> options, TextWriter output,
        TextWriter error)
    {
        var email = Require(options, "email");
        var user = await FindUserAsync(db, email);
        if (user is null) { error.WriteLine($"No active user {email}."); return 1; }
        var workspace = await db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter]).SingleAsync(w => w.Id == user.WorkspaceId);
        var (token, apiToken) = ApiTokenIssue.New(workspace, user.Id, Require(options, "name"), expiresOn: null, clock.GetUtcNow());
        db.ApiTokens.Add(apiToken);
        await db.SaveChangesAsync();
        output.WriteLine(token);
        error.WriteLine("Keep this token now: it is shown only once. Send it as 'Authorization: Bearer <token>'.");
        return 0;
    }

    private static async Task<int> RevokeApiTokenAsync(PazPazDb db, TimeProvider clock, string prefixOrId, TextWriter output, TextWriter error)
    {
        var tokens = db.ApiTokens.IgnoreQueryFilters([PazPazDb.WallFilter]).Include(t => t.User);
        var found = Guid.TryParse(prefixOrId, out var id)
            ? await tokens.Where(t => t.Id == id).ToListAsync()
            // A whole token pasted by mistake is found by its hash, like at sign-in; it is never printed back.
            : prefixOrId.Length > ApiTokenIssue.PrefixLength
                ? await tokens.Where(t => t.TokenHash == Tokens.Hash(prefixOrId)).ToListAsync()
                : await tokens.Where(t => t.Prefix == prefixOrId).ToListAsync();
        switch (found)
        {
            case []:
                error.WriteLine($"No API token with the prefix or id '{prefixOrId}'. See admin list-api-tokens.");
                return 1;
            case [var token] when token.IsRevoked:
                output.WriteLine($"Token {token.Prefix} ('{token.Name}', {token.User?.Email}) was already revoked at {token.RevokedAt:u}.");
                return 0;
            case [var token]:
                token.Revoke(clock.GetUtcNow());
                await db.SaveChangesAsync();
                output.WriteLine($"Revoked token {token.Prefix} ('{token.Name}', {token.User?.Email}): it answers 401 from now on.");
                return 0;
            default:
                error.WriteLine($"{found.Count} tokens start with '{prefixOrId}'; revoke one by its id: {string.Join(", ", found.Select(t => t.Id))}.");
                return 1;
        }
    }

    private static async Task<int> ListApiTokensAsync(PazPazDb db, TimeProvider clock, Dictionary<string, string> options, TextWriter output)
    {
        var tokens = db.ApiTokens.IgnoreQueryFilters([PazPazDb.WallFilter]).Include(t => t.User).AsQueryable();
        if (options.TryGetValue("email", out var email))
        {
            var normalized = User.NormalizeEmail(email);
            tokens = tokens.Where(t => t.User!.Email == normalized);
        }
        var now = clock.GetUtcNow();
        output.WriteLine("id\tprefix\tname\tuser\tcreated\tlast used\texpires\tstate");
        foreach (var t in await tokens.OrderBy(t => t.CreatedAt).ToListAsync())
            output.WriteLine(string.Join('\t', t.Id, t.Prefix, t.Name, t.User?.Email, t.CreatedAt.ToString("u"), t.LastUsedAt?.ToString("u") ?? "never",
                t.ExpiresAt?.ToString("u") ?? "never", t.IsRevoked ? "revoked" : t.IsExpired(now) ? "expired" : "active"));
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

    /// <summary>
    /// The same domain call the admin console makes: the invitation and its e-mail in the outbox, sent by the running app's
    /// job within a minute. An invitation is sent on someone's behalf, so a platform admin must exist.
    /// </summary>
    private static async Task<int> InviteTherapistAsync(IServiceProvider services, PazPazDb db, Dictionary<string, string> options, TextWriter output,
        TextWriter error)
    {
        var (email, name, workspace, zone) = (Require(options, "email"), Require(options, "name"), Require(options, "workspace"), Require(options, "time-zone"));
        var admins = db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(u => u.IsPlatformAdmin && u.IsActive);
        User? admin;
        if (options.TryGetValue("by", out var by))
        {
            var normalized = User.NormalizeEmail(by);
            admin = await admins.Where(u => u.Email == normalized).OrderBy(u => u.CreatedAt).FirstOrDefaultAsync();
            if (admin is null) { error.WriteLine($"{by} is not an active platform admin (see make-platform-admin)."); return 1; }
        }
        else
        {
            admin = await admins.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).FirstOrDefaultAsync();
            if (admin is null) { error.WriteLine("No platform admin yet: make one first with make-platform-admin --email E (or use create-workspace)."); return 1; }
        }
        var invitation = await services.GetRequiredService<Team.Invitations>().InviteTherapistAsync(admin, email, name, workspace, zone);
        output.WriteLine($"Invited {invitation.FullName} <{invitation.Email}> to set up '{invitation.WorkspaceName}' ({invitation.TimeZone}) " +
            $"on behalf of {admin.Email}; the link works until {invitation.ExpiresAt:u}. The running app e-mails it within a minute.");
        return 0;
    }

    private static async Task<int> DisableTwoFactorAsync(PazPazDb db, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var email = Require(options, "email");
        var user = await FindUserAsync(db, email);
        if (user is null) { error.WriteLine($"No active user {email}."); return 1; }
        if (!user.TotpEnabled) { output.WriteLine($"{user.Email} does not use two-step sign-in; nothing changed."); return 0; }
        user.DisableTotp();
        user.SignOutEverywhere(); // whoever has the lost phone and a session keeps neither
        await db.TotpBackupCodes.IgnoreQueryFilters([PazPazDb.WallFilter]).Where(c => c.UserId == user.Id).ExecuteDeleteAsync();
        await db.SaveChangesAsync();
        output.WriteLine($"Two-step sign-in is off for {user.Email}, and every session of theirs has ended.");
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
            if (args[i] is "--check") { options["check"] = "true"; continue; } // the one option without a value
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
