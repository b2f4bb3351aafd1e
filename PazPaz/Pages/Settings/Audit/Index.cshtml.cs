using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Settings.Audit;

/// <summary>
/// Settings → Audit (owners): the practice's audit trail newest first, filtered by person, action, kind of record, client and
/// practice-local dates, fifty at a time by keyset; and the filtered events as CSV, streamed and itself audited.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)] // who opened which client's record, and when
[Requires(Area.AuditTrail)]
public sealed class IndexModel(PazPazDb db, CurrentUser current, AuditLog audit) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The kinds of record the app audits, for the filter's list.</summary>
    public static readonly string[] ResourceTypes =
    [
        nameof(Client), nameof(Appointment), nameof(SessionNote), nameof(Attachment), nameof(Service), nameof(Location),
        nameof(Workspace), nameof(User), nameof(Invitation), nameof(UserSession), nameof(ApiToken), nameof(CalendarFeed), "TwoFactor",
        nameof(UserNotificationSettings), nameof(AuditEvent),
    ];

    public sealed record Change(string Field, string? Old, string? New, bool ValuesShown);
    public sealed record Row(Guid Id, DateTimeOffset OccurredAt, string Who, AuditAction Action, string ResourceType, Guid? ResourceId,
        string? Link, Guid? ClientId, List<Change> Changes, string? IpAddress, string Browser);

    public AuditFilterInput Filter { get; private set; } = new();
    public Dictionary<string, string> Errors { get; } = [];
    public List<Row> Rows { get; private set; } = [];
    public string? OlderCursor { get; private set; }
    public List<(Guid Id, string Name)> People { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadFiltersAsync(cancellationToken);
        var filter = AuditFilter.Parse(Filter, Zone, Errors);
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var events = await filter.Apply(db).Take(PageSize + 1).ToListAsync(cancellationToken);
        if (events.Count > PageSize)
        {
            events.RemoveAt(PageSize);
            OlderCursor = AuditFilter.Cursor(events[^1].OccurredAt, events[^1].Id);
        }
        Rows = await RowsAsync(events, cancellationToken);
        return Page();
    }

    /// <summary>
    /// Every event that passes the filters, as CSV written while it is read (never held whole). The export is recorded with
    /// the filters and the number of rows written, even when the download is cut short.
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        await LoadFiltersAsync(cancellationToken);
        var filter = AuditFilter.Parse(WithoutCursor(), Zone, Errors);
        if (Errors.Count > 0)
            return new ContentResult { StatusCode = StatusCodes.Status400BadRequest, ContentType = "text/plain; charset=utf-8", Content = string.Join("\n", Errors.Values) };

        var names = People.ToDictionary(p => p.Id, p => p.Name);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.CacheControl = "private, no-store";
        Response.Headers.ContentDisposition = "attachment; filename=\"audit-trail.csv\"";
        var count = 0;
        try
        {
            await using var csv = CsvWriter.Create(Response.Body, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteHeader(["occurred_at_utc", "occurred_at_local", "user_id", "user", "action", "resource_type", "resource_id",
                "changes", "metadata", "ip_address", "browser", "user_agent"]);
            await foreach (var e in filter.Apply(db).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                csv.WriteField(e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                csv.WriteField(TimeZoneInfo.ConvertTime(e.OccurredAt, Zone).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture));
                csv.WriteField(e.UserId?.ToString() ?? "");
                csv.WriteField(Who(e.UserId, names));
                csv.WriteField(e.Action.ToString());
                csv.WriteField(e.ResourceType);
                csv.WriteField(e.ResourceId?.ToString() ?? "");
                csv.WriteField(e.Changes ?? "");
                csv.WriteField(e.Metadata ?? "");
                csv.WriteField(e.IpAddress ?? "");
                csv.WriteField(BrowserLabel.From(e.UserAgent));
                csv.WriteField(e.UserAgent ?? "");
                await csv.EndRecordAsync(cancellationToken);
                count++;
            }
        }
        finally
        {
            // Not the request's token: a download cut short is still an export of what was sent.
            await audit.RecordAsync(AuditAction.Export, nameof(AuditEvent), null, current.WorkspaceId, current.UserId,
                new { format = "csv", filters = filter.Describe(), count }, CancellationToken.None);
        }
        return new EmptyResult();
    }

    private AuditFilterInput WithoutCursor() => new()
    {
        User = Filter.User, Action = Filter.Action, Resource = Filter.Resource, Client = Filter.Client, From = Filter.From, To = Filter.To,
    };

    /// <summary>The filters from the address, the practice's zone and people (owners only: the role gate refused anyone else).</summary>
    private async Task LoadFiltersAsync(CancellationToken cancellationToken)
    {
        // Short names in the address (?action=read&from=…) rather than model-bound "Filter.Action".
        string? Q(string key) => Request.Query[key].FirstOrDefault();
        Filter = new AuditFilterInput { User = Q("user"), Action = Q("action"), Resource = Q("resource"), Client = Q("client"), From = Q("from"), To = Q("to"), Before = Q("before") };
        var zone = await db.Workspaces.Select(w => w.TimeZone).FirstOrDefaultAsync(cancellationToken);
        Zone = zone is null ? TimeZoneInfo.Utc : TimeZones.Find(zone);
        People = (await db.Users.AsNoTracking().OrderBy(u => u.FullName).Select(u => new { u.Id, u.FullName }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, u.FullName)).ToList();
    }

    private static string Who(Guid? userId, Dictionary<Guid, string> names) =>
        userId is null ? "System" : names.TryGetValue(userId.Value, out var name) ? name : "Former user";

    private async Task<List<Row>> RowsAsync(List<AuditEvent> events, CancellationToken cancellationToken)
    {
        var names = People.ToDictionary(p => p.Id, p => p.Name);
        var ids = events.Where(e => e.ResourceId is not null).Select(e => e.ResourceId!.Value).Distinct().ToList();
        // Links only to records that still exist (and are inside the wall).
        var clients = (await db.Clients.Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
        var appointments = (await db.Appointments.Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken)).ToHashSet();
        var notes = (await db.SessionNotes.Where(n => ids.Contains(n.Id)).Select(n => n.Id).ToListAsync(cancellationToken)).ToHashSet();
        return events.Select(e =>
        {
            var id = e.ResourceId;
            string? link = id is not { } rid ? null
                : e.ResourceType == nameof(Client) && clients.Contains(rid) ? $"/clients/{rid}"
                : e.ResourceType == nameof(Appointment) && appointments.Contains(rid) ? $"/appointments/{rid}"
                : e.ResourceType == nameof(SessionNote) && notes.Contains(rid) ? $"/notes/{rid}"
                : null;
            return new Row(e.Id, e.OccurredAt, Who(e.UserId, names), e.Action, e.ResourceType, id, link,
                e.ResourceType == nameof(Client) ? id : null, ChangesOf(e.Changes), e.IpAddress, BrowserLabel.From(e.UserAgent));
        }).ToList();
    }

    /// <summary>The stored changes as they are: a personal field was stored as its name only (null), a plain one with old and new.</summary>
    private static List<Change> ChangesOf(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return [];
        return doc.RootElement.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Object
            ? new Change(p.Name, Text(p.Value, "old"), Text(p.Value, "new"), true)
            : new Change(p.Name, null, null, false)).ToList();
    }

    private static string? Text(JsonElement change, string key) =>
        !change.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? "—"
        : v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();

    public string Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("d MMM yyyy, HH:mm:ss");

    /// <summary>The current filters as query values, for the Older link and the export link.</summary>
    public string LinkTo(string? handler = null, string? before = null)
    {
        var q = Query(before);
        if (handler is not null) q["handler"] = handler;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/settings/audit", q!);
    }

    public Dictionary<string, string> Query(string? before = null)
    {
        var q = new Dictionary<string, string>();
        void Add(string key, string? value) { if (!string.IsNullOrWhiteSpace(value)) q[key] = value.Trim(); }
        Add("user", Filter.User); Add("action", Filter.Action); Add("resource", Filter.Resource);
        Add("client", Filter.Client); Add("from", Filter.From); Add("to", Filter.To); Add("before", before);
        return q;
    }
}
