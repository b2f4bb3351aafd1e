using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Auth;

/// <summary>A new personal API token: the secret (shown once) and the row that keeps only its hash and prefix.</summary>
public static class ApiTokenIssue
{
    /// <summary>"pzp_" and six characters of the secret: enough to tell tokens apart, far too little to guess the rest.</summary>
    public const int PrefixLength = 10;

    public static (string Secret, ApiToken Token) New(Workspace workspace, Guid userId, string name, DateOnly? expiresOn, DateTimeOffset now)
    {
        var secret = "pzp_" + Tokens.New();
        return (secret, ApiToken.Create(workspace, userId, name, Tokens.Hash(secret), secret[..PrefixLength], expiresOn, now));
    }
}
