using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Audit;

/// <summary>The filters of Settings → Audit as they arrive in the query string: text, checked here so junk gets a message.</summary>
public sealed class AuditFilterInput
{
    public string? User { get; set; }
    public string? Action { get; set; }
    public string? Resource { get; set; }
    public string? Client { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    /// <summary>Keyset cursor: the last shown event as "{occurred_at in µs since the epoch}_{id}".</summary>
    public string? Before { get; set; }
}

/// <summary>Checked filters. Dates are practice-local days, already turned into instants [FromUtc, ToUtc).</summary>
public sealed record AuditFilter(Guid? UserId, AuditAction? Action, string? ResourceType, Guid? ClientId, DateOnly? From, DateOnly? To,
    DateTimeOffset? FromUtc, DateTimeOffset? ToUtc, (DateTimeOffset OccurredAt, Guid Id)? Before)
{
    /// <summary>What the export records about itself: the filters, ids only, never names.</summary>
    public object Describe() => new
    {
        user_id = UserId, action = Action?.ToString(), resource_type = ResourceType, client_id = ClientId,
        from = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public static string Cursor(DateTimeOffset occurredAt, Guid id) =>
        $"{(occurredAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}_{id:N}";

    /// <summary>Reads the filters; each bad one gets a message keyed by its field name.</summary>
    public static AuditFilter Parse(AuditFilterInput input, TimeZoneInfo zone, Dictionary<string, string> errors)
    {
        Guid? userId = null, clientId = null;
        if (!string.IsNullOrWhiteSpace(input.User))
        {
            if (Guid.TryParse(input.User.Trim(), out var u)) userId = u;
            else errors[nameof(input.User)] = "Choose a person from the list.";
        }
        AuditAction? action = null;
        if (!string.IsNullOrWhiteSpace(input.Action))
        {
            // Names only: Enum.TryParse would also take "3" or "1,2".
            var match = Enum.GetNames<AuditAction>().FirstOrDefault(n => string.Equals(n, input.Action.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null) errors[nameof(input.Action)] = "Choose an action from the list.";
            else action = Enum.Parse<AuditAction>(match);
        }
        string? resource = null;
        if (!string.IsNullOrWhiteSpace(input.Resource))
        {
            resource = input.Resource.Trim();
            if (resource.Length > 64 || !resource.All(char.IsAsciiLetterOrDigit)) { errors[nameof(input.Resource)] = "Choose a kind of record from the list."; resource = null; }
        }
        if (!string.IsNullOrWhiteSpace(input.Client))
        {
            if (Guid.TryParse(input.Client.Trim(), out var c)) clientId = c;
            else errors[nameof(input.Client)] = "This is not a client id. Use “Only this client” next to an event.";
        }
        var from = Day(input.From, nameof(input.From), errors);
        var to = Day(input.To, nameof(input.To), errors);
        if (from is { } f && to is { } t && f > t) errors[nameof(input.To)] = "The end date is before the start date.";
        (DateTimeOffset, Guid)? before = null;
        if (!string.IsNullOrWhiteSpace(input.Before))
        {
            var parts = input.Before.Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                && micros < 253_402_300_799_000_000 && Guid.TryParseExact(parts[1], "N", out var id))
                before = (DateTimeOffset.UnixEpoch.AddTicks(micros * 10), id);
            else errors[nameof(input.Before)] = "This page link is broken. Start again from the newest events.";
        }
        return new AuditFilter(userId, action, resource, clientId, from, to,
            from is null ? null : StartOf(from.Value, zone), to is null ? null : StartOf(to.Value.AddDays(1), zone), before);
    }

    private static DateOnly? Day(string? text, string field, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.Year is >= 2000 and <= 9998) return day;
        errors[field] = "Enter a date like 2026-03-31.";
        return null;
    }

    /// <summary>The instant a practice-local day starts (a day that starts in a DST gap starts at the gap's end).</summary>
    private static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The events of the caller's workspace (the wall filter) that pass the filters, newest first by (occurred_at, id), the
    /// order of ix_audit_events_workspace_id_occurred_at_id; the cursor is a row comparison, so a deep page costs what the first does.
    /// </summary>
    public IQueryable<AuditEvent> Apply(PazPazDb db)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (UserId is { } user) query = query.Where(e => e.UserId == user);
        if (Action is { } action) query = query.Where(e => e.Action == action);
        if (ResourceType is { } type) query = query.Where(e => e.ResourceType == type);
        if (ClientId is { } client)
        {
            // The client's own events, and list reads that name it among their ids ({"via":…,"ids":[…]}).
            var named = $"{{\"ids\":[\"{client}\"]}}";
            query = query.Where(e => e.ResourceType == nameof(Domain.Client)
                && (e.ResourceId == client || (e.ResourceId == null && EF.Functions.JsonContains(e.Metadata!, named))));
        }
        if (FromUtc is { } from) query = query.Where(e => e.OccurredAt >= from);
        if (ToUtc is { } to) query = query.Where(e => e.OccurredAt < to);
        if (Before is { } cursor)
        {
            var (at, id) = cursor;
            query = query.Where(e => EF.Functions.LessThan(ValueTuple.Create(e.OccurredAt, e.Id), ValueTuple.Create(at, id)));
        }
        return query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id);
    }
}
