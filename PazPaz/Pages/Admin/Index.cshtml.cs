using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Admin;
using PazPaz.Data;
using PazPaz.Domain;

namespace PazPaz.Pages.Admin;

/// <summary>
/// The platform admin's list of practices: search by name, filter by status, creation date and quiet time, sort by
/// activity or storage. Shows counts and usage only, never a client's name or record.
/// </summary>
[PlatformAdminOnly]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class IndexModel(PazPazDb db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;
    public static readonly string[] Sorts = ["created", "activity", "storage", "name"];

    public sealed record Row(Guid Id, string Name, WorkspaceStatus Status, string TimeZone, DateTimeOffset CreatedAt, DateTimeOffset? LastActivity,
        long StorageUsed, long StorageQuota, int Users);

    [BindProperty(SupportsGet = true, Name = "q")] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "status")] public WorkspaceStatus? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "created_from")] public DateOnly? CreatedFrom { get; set; }
    [BindProperty(SupportsGet = true, Name = "created_to")] public DateOnly? CreatedTo { get; set; }
    /// <summary>Only practices nobody has used for at least this many days.</summary>
    [BindProperty(SupportsGet = true, Name = "quiet_days")] public int? QuietDays { get; set; }
    /// <summary>Only practices whose files take at least this many megabytes.</summary>
    [BindProperty(SupportsGet = true, Name = "storage_mb")] public int? StorageAtLeastMb { get; set; }
    [BindProperty(SupportsGet = true, Name = "sort")] public string? Sort { get; set; }
    /// <summary>"p", not "page": Razor Pages keeps "page" for the page's own route value.</summary>
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public List<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Q?.Length > 200) ModelState.AddModelError("q", "At most 200 characters.");
        if (QuietDays is < 0 or > 3650) ModelState.AddModelError("quiet_days", "Between 0 and 3650 days.");
        if (StorageAtLeastMb is < 0 or > 10_000_000) ModelState.AddModelError("storage_mb", "Between 0 and 10,000,000 MB.");
        if (Sort is not null && !Sorts.Contains(Sort)) ModelState.AddModelError("sort", "Choose one of the sort orders offered.");
        if (PageNumber is < 1 or > 100_000) ModelState.AddModelError("p", "Not a page of this list.");
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var workspaces = db.Workspaces.IgnoreQueryFilters([PazPazDb.WallFilter]);
        if (!string.IsNullOrWhiteSpace(Q)) workspaces = workspaces.Where(w => EF.Functions.ILike(w.Name, "%" + Like(Q.Trim()) + "%", "\\"));
        if (Status is { } status) workspaces = workspaces.Where(w => w.Status == status);
        if (StorageAtLeastMb is { } mb) { var bytes = mb * 1024L * 1024; workspaces = workspaces.Where(w => w.StorageUsedBytes >= bytes); }
        if (CreatedFrom is { } from) { var at = Utc(from); workspaces = workspaces.Where(w => w.CreatedAt >= at); }
        if (CreatedTo is { } to) { var at = Utc(to.AddDays(1)); workspaces = workspaces.Where(w => w.CreatedAt < at); }

        var sessions = db.UserSessions.IgnoreQueryFilters([PazPazDb.WallFilter]);
        var users = db.Users.IgnoreQueryFilters([PazPazDb.WallFilter]);
        var rows = workspaces.Select(w => new
        {
            w.Id, w.Name, w.Status, w.TimeZone, w.CreatedAt,
            LastActivity = sessions.Where(s => s.WorkspaceId == w.Id).Max(s => (DateTimeOffset?)s.LastSeenAt),
            w.StorageUsedBytes, w.StorageQuotaBytes,
            Users = users.Count(u => u.WorkspaceId == w.Id),
        });
        if (QuietDays is { } days)
        {
            var since = clock.GetUtcNow().AddDays(-days);
            rows = rows.Where(r => r.LastActivity == null || r.LastActivity < since);
        }
        Total = await rows.CountAsync(cancellationToken);
        rows = Sort switch
        {
            "activity" => rows.OrderByDescending(r => r.LastActivity ?? DateTimeOffset.MinValue).ThenBy(r => r.Id),
            "storage" => rows.OrderByDescending(r => r.StorageUsedBytes).ThenBy(r => r.Id),
            "name" => rows.OrderBy(r => r.Name).ThenBy(r => r.Id),
            _ => rows.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id),
        };
        Rows = (await rows.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(cancellationToken))
            .Select(r => new Row(r.Id, r.Name, r.Status, r.TimeZone, r.CreatedAt, r.LastActivity, r.StorageUsedBytes, r.StorageQuotaBytes, r.Users)).ToList();
        return Page();
    }

    public static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) ?? "never";

    public static string StatusCss(WorkspaceStatus status) => status switch
    {
        WorkspaceStatus.Active => "bg-emerald-50 text-emerald-800 ring-emerald-200",
        WorkspaceStatus.Suspended => "bg-amber-50 text-amber-900 ring-amber-200",
        _ => "bg-gray-100 text-gray-700 ring-gray-200",
    };

    public string PageLink(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = Q, ["status"] = Status?.ToString(), ["created_from"] = CreatedFrom?.ToString("yyyy-MM-dd"), ["created_to"] = CreatedTo?.ToString("yyyy-MM-dd"),
        ["quiet_days"] = QuietDays?.ToString(CultureInfo.InvariantCulture), ["storage_mb"] = StorageAtLeastMb?.ToString(CultureInfo.InvariantCulture), ["sort"] = Sort, ["p"] = page.ToString(CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    private static DateTimeOffset Utc(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string Like(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
