namespace PazPaz.Domain;

/// <summary>
/// An e-mail address the platform admin has blocked: it can neither be invited nor sign in (§1). Stored normalised, so
/// "  Eve@Example.COM " and "eve@example.com" are one entry; belongs to no workspace.
/// </summary>
public sealed class BlockedAddress
{
    public const int ReasonMaxLength = 500;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Email { get; private set; } = "";
    public string? Reason { get; private set; }
    public Guid? BlockedByUserId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    private BlockedAddress() { }

    /// <summary>Case- and whitespace-insensitive: no white space can be part of an address anyway.</summary>
    public static string Normalize(string? email) => string.Concat((email ?? "").Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    /// <summary>What is wrong with this entry, keyed by field; empty when it can be saved.</summary>
    public static Dictionary<string, string> Problems(string? email, string? reason)
    {
        var problems = new Dictionary<string, string>();
        var normalized = Normalize(email);
        if (normalized.Length == 0) problems["Email"] = "Enter the e-mail address to block.";
        else if (normalized.Length > 320 || normalized.IndexOf('@') is <= 0 || normalized.EndsWith('@')) problems["Email"] = "Enter an e-mail address like name@example.com.";
        if (reason?.Length > ReasonMaxLength) problems["Reason"] = $"At most {ReasonMaxLength} characters.";
        return problems;
    }

    public static BlockedAddress Create(string email, string? reason, Guid? blockedBy, DateTimeOffset now) => new()
    {
        Email = Normalize(email), Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), BlockedByUserId = blockedBy, CreatedAt = now,
    };
}
