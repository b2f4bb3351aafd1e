using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings;

public sealed class WorkspaceModel(PazPazDb db, CurrentUser current, TimeProvider clock) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? TimeZone { get; set; }
    }

    /// <summary>One entry of the time-zone picker.</summary>
    public sealed record Zone(string Id, string Offset);

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool CanEdit { get; private set; }
    public List<Zone> Zones { get; private set; } = [];
    /// <summary>Bytes the practice's files take (deleted ones count until purged) and its quota.</summary>
    public long StorageUsed { get; private set; }
    public long StorageQuota { get; private set; }
    public int StoragePercent => StorageQuota <= 0 ? 100 : (int)Math.Min(100, Math.Ceiling(StorageUsed * 100.0 / StorageQuota));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var workspace = await LoadAsync(cancellationToken);
        Input = new InputModel { Name = workspace.Name, TimeZone = workspace.TimeZone };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var workspace = await LoadAsync(cancellationToken);
        if (!CanEdit) return Forbid();
        ModelState.AddProblems(Workspace.Problems(Input.Name, Input.TimeZone));
        if (!ModelState.IsValid) return this.FormWithErrors();

        workspace.Rename(Input.Name!);
        workspace.ChangeTimeZone(Input.TimeZone!);
        await db.SaveChangesAsync(cancellationToken);
        this.Flash("Saved.");
        return RedirectToPage();
    }

    private async Task<Workspace> LoadAsync(CancellationToken cancellationToken)
    {
        var userId = current.RequireUserId();
        var role = await db.Users.Where(u => u.Id == userId).Select(u => u.Role).SingleAsync(cancellationToken);
        CanEdit = Workspace.SettingsChangeableBy(role);
        var now = clock.GetUtcNow();
        Zones = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).OrderBy(z => z.Id, StringComparer.Ordinal)
            .Select(z => new Zone(z.Id, Offset(z.GetUtcOffset(now)))).ToList();
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        (StorageUsed, StorageQuota) = (workspace.StorageUsedBytes, workspace.StorageQuotaBytes);
        return workspace;
    }

    private static string Offset(TimeSpan offset) => $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset.Duration():hh\\:mm}";
}
