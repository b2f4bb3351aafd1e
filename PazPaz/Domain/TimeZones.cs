namespace PazPaz.Domain;

public static class TimeZones
{
    /// <summary>True for IANA ids known to the tzdb on this machine; Windows ids and offsets are refused.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return false;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return false;
        return zone.HasIanaId;
    }

    public static TimeZoneInfo Find(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>
    /// The UTC instant of a local wall-clock time. A time inside a spring-forward gap becomes the first valid
    /// minute after it; an ambiguous fall-back time takes its first occurrence.
    /// </summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
