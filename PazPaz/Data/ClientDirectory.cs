using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PazPaz.Domain;

namespace PazPaz.Data;

/// <summary>
/// Search and sort clients whose names, e-mail and phone are encrypted: the list page, the API's <c>q</c> and the
/// appointment dialog's type-ahead all load one workspace's clients (id, names, e-mail, phone, active), decrypt them and
/// match and sort in memory. PostgreSQL cannot compare or order ciphertext, so nothing about a client's identity is
/// ever in a WHERE or ORDER BY.
/// <para>
/// Why in memory rather than keyed blind indexes (HMACs of name prefixes in a side table): a practice has a few hundred to
/// a few thousand clients, the list must be sorted by name anyway (which a blind index cannot do without a sort key that
/// leaks the order), and the old SQL search already read every one of the workspace's rows (a <c>LIKE '%…'</c> on
/// <c>lower(…)</c> uses no index). The cost grows with the practice: decrypting, matching and sorting 3,000 clients took
/// 100-180 ms in <c>ClientDirectoryTests.Searching_three_thousand_clients_is_fast</c> on a heavily loaded 2-core machine
/// (not yet measured quiet); the benches' practices have 50 clients. Should large practices need it, a per-workspace cache of
/// the decrypted entries, or blind indexes for the search alone, can come without changing what is stored.
/// </para>
/// <para>
/// What someone holding a database dump (without the keys) learns about clients: how many each workspace has, which
/// are archived, when each was created and changed, and the rough length of each encrypted value (AES-GCM hides
/// content, not length: a long name has a longer ciphertext). Two equal names are not recognisable as equal (every value
/// has its own random nonce), there is no index, hash or sort key to compare, and nothing links clients across
/// workspaces. That is the same exposure as the health fields have always had, and acceptable for the same reason: the
/// lengths and counts say nothing a practice's size does not.
/// </para>
/// <para>
/// A practice with thousands of clients would decrypt them all on every keystroke of the type-ahead: the decrypted
/// directory is kept in memory per workspace (<see cref="ClientDirectoryCache"/>) and checked against the table on every
/// use, so a change made anywhere (another request, another instance, a job) shows at once.
/// </para>
/// </summary>
public static class ClientDirectory
{
    /// <summary>What lists and searches need of a client, decrypted; <see cref="SortKey"/> orders it.</summary>
    public sealed record Entry(Guid Id, string FirstName, string LastName, string? Email, string? Phone, bool IsActive)
    {
        public string FullName => $"{FirstName} {LastName}";
        public string Initials => Client.InitialsOf(FirstName, LastName);
        internal string LastKey { get; } = Fold(LastName);
        internal string FirstKey { get; } = Fold(FirstName);
        internal string? EmailKey { get; } = Email is null ? null : Fold(Email);
        internal string? PhoneDigits { get; } = Phone is null ? null : new string(Phone.Where(char.IsAsciiDigit).ToArray());
    }

    /// <summary>The workspace's clients (the wall filter applies), decrypted, archived ones included.</summary>
    internal static Task<List<Entry>> ReadAllAsync(this IQueryable<Client> clients, CancellationToken cancellationToken) =>
        clients.AsNoTracking()
            .Select(c => new Entry(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.IsActive))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Last then first name, ignoring case and accents ("émile" with "Emile"); the id keeps pages stable when two
    /// clients share a name.
    /// </summary>
    public static List<Entry> SortedByName(this IEnumerable<Entry> entries) =>
        entries.OrderBy(e => e.LastKey, StringComparer.Ordinal).ThenBy(e => e.FirstKey, StringComparer.Ordinal)
            .ThenBy(e => e.Id).ToList();

    /// <summary>
    /// Search as a therapist types: every word must start a word of the first or last name ("coh" finds Cohen,
    /// "dav" finds Ben-David), start the e-mail or its domain, or (typed as digits) appear in the phone number. Typing an
    /// e-mail fragment with "@" or "." matches anywhere in the address. Mid-word matches are left out on purpose:
    /// "co" would otherwise find every ".com" address. Case and accents are ignored.
    /// </summary>
    public static IEnumerable<Entry> Matching(this IEnumerable<Entry> entries, string? text)
    {
        var words = Words(text);
        if (words.Length == 0) return entries;
        var tests = words.Select(WordTest).ToArray();
        return entries.Where(e => tests.All(test => test(e, e.EmailKey, e.PhoneDigits)));
    }

    /// <summary>The appointment dialog's type-ahead: every word anywhere in the first or last name.</summary>
    public static IEnumerable<Entry> NameContaining(this IEnumerable<Entry> entries, string? text)
    {
        var words = Words(text).Take(4).ToArray();
        return entries.Where(e => words.All(w => e.FirstKey.Contains(w, StringComparison.Ordinal) || e.LastKey.Contains(w, StringComparison.Ordinal)));
    }

    private static string[] Words(string? text) =>
        (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Fold).ToArray();

    private static Func<Entry, string?, string?, bool> WordTest(string word)
    {
        var anywhereInEmail = word.Contains('@') || word.Contains('.');
        var digits = new string(word.Where(char.IsAsciiDigit).ToArray());
        var phoneLike = digits.Length > 0 && word.All(ch => char.IsAsciiDigit(ch) || "+-().".Contains(ch));
        return (e, email, phone) =>
            StartsAWord(e.FirstKey, word) || StartsAWord(e.LastKey, word) ||
            (email is not null && (email.StartsWith(word, StringComparison.Ordinal) || email.Contains("@" + word, StringComparison.Ordinal) ||
                                   (anywhereInEmail && email.Contains(word, StringComparison.Ordinal)))) ||
            (phoneLike && phone is not null && phone.Contains(digits, StringComparison.Ordinal));
    }

    private static bool StartsAWord(string name, string word) =>
        name.StartsWith(word, StringComparison.Ordinal) || name.Contains(" " + word, StringComparison.Ordinal) ||
        name.Contains("-" + word, StringComparison.Ordinal);

    /// <summary>Lower case without accents (NFKD, combining marks dropped): "Élodie" → "elodie".</summary>
    public static string Fold(string text)
    {
        if (Ascii.IsValid(text)) return text.Trim().ToLowerInvariant();
        var decomposed = text.Trim().Normalize(NormalizationForm.FormKD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) folded.Append(char.ToLowerInvariant(ch));
        return folded.ToString();
    }
}

/// <summary>
/// The decrypted client directory of each workspace, kept in memory (a singleton) so that a search does not decrypt every
/// client again. Each use first asks PostgreSQL for the workspace's row count and the sum of the rows' transaction ids
/// (<c>xmin</c>): any insert, update, archive or delete, committed by anyone, changes one of the two, and the directory is
/// read again. That check is one small query on the (workspace) index, instead of reading and decrypting every row.
/// Entries expire after ten idle minutes, and the whole cache holds at most <see cref="MaxEntries"/> clients.
/// </summary>
public sealed class ClientDirectoryCache
{
    public const int MaxEntries = 200_000;
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    private sealed record Snapshot(long Count, long XminSum, List<ClientDirectory.Entry> Entries);

    private sealed record Stamp(long Count, long XminSum);

    /// <summary>The clients of the workspace <paramref name="db"/> works in (its wall), decrypted: active ones only unless asked.</summary>
    public async Task<List<ClientDirectory.Entry>> LoadAsync(PazPazDb db, bool includeArchived, CancellationToken cancellationToken)
    {
        var workspaceId = db.Actor.RequireWorkspaceId();
        var stamp = await db.Database.SqlQuery<Stamp>($"""
            SELECT count(*) AS count, coalesce(sum(xmin::text::bigint), 0)::bigint AS xmin_sum FROM clients WHERE workspace_id = {workspaceId}
            """).SingleAsync(cancellationToken);
        if (!cache.TryGetValue(workspaceId, out Snapshot? snapshot) || snapshot is null || snapshot.Count != stamp.Count || snapshot.XminSum != stamp.XminSum)
        {
            snapshot = new Snapshot(stamp.Count, stamp.XminSum, await db.Clients.ReadAllAsync(cancellationToken));
            // A row changed between the check and the read would be read already and only make the next use read again.
            cache.Set(workspaceId, snapshot, new MemoryCacheEntryOptions { Size = Math.Max(1, snapshot.Entries.Count), SlidingExpiration = TimeSpan.FromMinutes(10) });
        }
        return includeArchived ? snapshot.Entries : snapshot.Entries.Where(e => e.IsActive).ToList();
    }
}
