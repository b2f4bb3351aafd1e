using System.Security.Cryptography;
using System.Text;

namespace PazPaz.Domain;

/// <summary>
/// One of a user's single-use backup codes for two-step sign-in. Only a salted SHA-256 of the code is kept: the codes
/// carry about 49 random bits each, so a fast hash with its own salt per code is enough, and nobody who reads the table
/// can sign in with what they read.
/// </summary>
public sealed class TotpBackupCode : IWorkspaceOwned
{
    public const int CountPerSet = 8;
    private const int Length = 10;
    /// <summary>No 0/o, 1/l/i: codes are read off paper and typed by hand.</summary>
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid UserId { get; private set; }
    public string Salt { get; private set; } = "";
    public string Hash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }

    private TotpBackupCode() { }

    /// <summary>A fresh set for <paramref name="user"/>: the rows to store, and the codes to show once ("abcde-fghjk").</summary>
    public static (List<TotpBackupCode> Rows, List<string> Codes) NewSet(User user, DateTimeOffset now)
    {
        var rows = new List<TotpBackupCode>();
        var codes = new List<string>();
        for (var i = 0; i < CountPerSet; i++)
        {
            var code = new string(RandomNumberGenerator.GetItems<char>(Alphabet, Length));
            var salt = RandomNumberGenerator.GetBytes(16);
            rows.Add(new TotpBackupCode
            {
                WorkspaceId = user.WorkspaceId, UserId = user.Id, CreatedAt = now,
                Salt = Convert.ToHexStringLower(salt), Hash = Convert.ToHexStringLower(HashOf(salt, code)),
            });
            codes.Add($"{code[..5]}-{code[5..]}");
        }
        return (rows, codes);
    }

    /// <summary>What a typed code is compared as: without spaces and dashes, lower case; null when it cannot be a backup code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null) return null;
        var plain = new string(typed.Where(c => c is not (' ' or '-')).ToArray()).ToLowerInvariant();
        return plain.Length == Length && plain.All(Alphabet.Contains) ? plain : null;
    }

    /// <summary>Constant-time comparison of a normalized code with this row's hash.</summary>
    public bool Matches(string normalized) =>
        CryptographicOperations.FixedTimeEquals(HashOf(Convert.FromHexString(Salt), normalized), Convert.FromHexString(Hash));

    private static byte[] HashOf(byte[] salt, string code) => SHA256.HashData([.. salt, .. Encoding.ASCII.GetBytes(code)]);
}
