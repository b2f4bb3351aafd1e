using System.Globalization;
using PazPaz.Domain;

namespace PazPaz.Api;

/// <summary>Query-string parameters read with the same field-named 422 errors as <see cref="JsonInput"/>.</summary>
public sealed class QueryInput(IQueryCollection query)
{
    public Dictionary<string, string[]> Errors { get; } = [];
    public bool IsValid => Errors.Count == 0;
    public IResult Problem() => ApiResults.Validation(Errors);

    private void AddError(string name, string message) => Errors[name] = [message];

    private string? Raw(string name, bool required)
    {
        var value = query[name].ToString();
        if (value.Length > 0) return value;
        if (required) AddError(name, "Is required.");
        return null;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        if (Raw(name, false) is not { } raw) return fallback;
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        AddError(name, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }

    public Guid? Guid(string name, bool required = false)
    {
        if (Raw(name, required) is not { } raw) return null;
        if (System.Guid.TryParse(raw, out var value)) return value;
        AddError(name, "Must be a UUID.");
        return null;
    }

    public bool Bool(string name)
    {
        if (Raw(name, false) is not { } raw) return false;
        if (bool.TryParse(raw, out var value)) return value;
        AddError(name, "Must be true or false.");
        return false;
    }

    /// <summary>A date-time with offset, or a plain date (midnight UTC).</summary>
    public DateTimeOffset? Instant(string name, bool required = false)
    {
        if (Raw(name, required) is not { } raw) return null;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value.ToUniversalTime();
        AddError(name, "Must be an ISO 8601 date or date-time, e.g. 2026-03-10 or 2026-03-10T09:00:00Z.");
        return null;
    }

    /// <summary>A calendar date as YYYY-MM-DD.</summary>
    public DateOnly? Date(string name)
    {
        if (Raw(name, false) is not { } raw) return null;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        AddError(name, "Must be a date as YYYY-MM-DD.");
        return null;
    }

    /// <summary>Free text, at most <paramref name="maxLength"/> characters.</summary>
    public string? Text(string name, int maxLength)
    {
        if (Raw(name, false) is not { } raw) return null;
        if (raw.Length <= maxLength && !raw.Contains('\0')) return raw;
        AddError(name, $"At most {maxLength} characters, without NUL.");
        return null;
    }

    public TEnum? Enum<TEnum>(string name) where TEnum : struct, Enum
    {
        if (Raw(name, false) is not { } raw) return null;
        if (ApiNames.TryParse<TEnum>(raw, out var value)) return value;
        AddError(name, $"Must be one of: {string.Join(", ", ApiNames.All<TEnum>())}.");
        return null;
    }
}
