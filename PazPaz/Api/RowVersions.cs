using System.Globalization;

namespace PazPaz.Api;

/// <summary>
/// Optimistic concurrency over HTTP: a single appointment, client, the workspace and notification settings answer with
/// an ETag made of the row's version (PostgreSQL's xmin), and a write carrying If-Match with an older one answers 412
/// with nothing written. A write without If-Match still cannot lose a change made at the same moment: EF checks the
/// version on save, and the loser gets 409 (Operations.ChangedElsewhere).
/// </summary>
public static class RowVersions
{
    public static string ETag(uint version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    public static void Stamp(HttpResponse response, uint version) => response.Headers.ETag = ETag(version);

    /// <summary>
    /// The version If-Match names: null when there is no If-Match (or "*", any version). False when If-Match names no
    /// version this API ever gave: such a precondition can never hold.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out uint? expected)
    {
        expected = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return true;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"' &&
                uint.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                expected = version;
                return true;
            }
        }
        return false;
    }

    /// <summary>412: the caller's copy is older than the stored one (whose ETag comes with the answer when known).</summary>
    public static IResult PreconditionFailed(HttpResponse response, string what, uint? current)
    {
        if (current is { } version) Stamp(response, version);
        return Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: $"The {what} has changed since you read it.",
            detail: $"If-Match names an older version of this {what}. Fetch it again (its ETag is the current version), then send your change with that.");
    }
}
