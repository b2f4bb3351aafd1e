using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Settings;

[Requires(Area.PracticeSettings)]
public sealed class WorkspaceModel(PazPazDb db, CurrentUser current, TimeProvider clock, Booking booking, AuditLog audit) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? TimeZone { get; set; }
        /// <summary>When the zone changes with appointments ahead: "local" keeps their wall-clock times, "instants" their moments.</summary>
        public string? Appointments { get; set; }
    }

    /// <summary>The zone is changing and appointments lie ahead: the page asks what should happen to them first.</summary>
    public int? AppointmentsAhead { get; private set; }
    public string CurrentTimeZone { get; private set; } = "";
    /// <summary>One appointment ahead, as an example of what each choice does.</summary>
    public (string Local, string Moved)? Example { get; private set; }

    /// <summary>One entry of the time-zone picker.</summary>
    public sealed record Zone(string Id, string Offset);

    [BindProperty] public InputModel Input { get; set; } = new();
    /// <summary>The settings' version the form was filled from: a save over a newer one shows the newer one instead.</summary>
    [BindProperty(Name = "version")] public uint? Version { get; set; }
    public List<Zone> Zones { get; private set; } = [];
    /// <summary>Bytes the practice's files take (deleted ones count until purged) and its quota.</summary>
    public long StorageUsed { get; private set; }
    public long StorageQuota { get; private set; }
    public int StoragePercent => StorageQuota <= 0 ? 100 : (int)Math.Min(100, Math.Ceiling(StorageUsed * 100.0 / StorageQuota));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var workspace = await LoadAsync(cancellationToken);
        Fill(workspace);
        return Page();
    }

    private void Fill(Workspace workspace)
    {
        Input = new InputModel { Name = workspace.Name, TimeZone = workspace.TimeZone };
        Version = workspace.Version;
    }

    /// <summary>Someone else saved the settings meanwhile: theirs are shown, nothing of this post was written.</summary>
    private async Task<IActionResult> ChangedElsewhereAsync(CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        ModelState.Clear();
        Fill(await LoadAsync(cancellationToken));
        return this.FormChangedElsewhere("practice's settings");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var workspace = await LoadAsync(cancellationToken);
        ModelState.AddProblems(Workspace.Problems(Input.Name, Input.TimeZone));
        if (!ModelState.IsValid) return this.FormWithErrors();
        if (Version is { } basedOn && basedOn != workspace.Version) return await ChangedElsewhereAsync(cancellationToken);
        try
        {
            return await SaveAsync(workspace, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ChangedElsewhereAsync(cancellationToken);
        }
    }

    private async Task<IActionResult> SaveAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        workspace.Rename(Input.Name!);
        var newZone = Input.TimeZone!.Trim();
        if (newZone == workspace.TimeZone)
        {
            await db.SaveChangesAsync(cancellationToken);
            this.Flash("Saved.");
            return RedirectToPage();
        }

        // A new zone moves every appointment on screen unless their local times are kept: ask first, with the count.
        var now = clock.GetUtcNow();
        var ahead = await db.Appointments.Where(a => a.ScheduledEnd > now).OrderBy(a => a.ScheduledStart).Select(a => a.ScheduledStart).ToListAsync(cancellationToken);
        if (ahead.Count > 0 && Input.Appointments is not ("local" or "instants"))
        {
            (AppointmentsAhead, CurrentTimeZone) = (ahead.Count, workspace.TimeZone);
            var (from, to) = (TimeZones.Find(workspace.TimeZone), TimeZones.Find(newZone));
            var c = System.Globalization.CultureInfo.InvariantCulture;
            Example = (TimeZoneInfo.ConvertTime(ahead[0], from).ToString("ddd d MMM, HH:mm", c), TimeZoneInfo.ConvertTime(ahead[0], to).ToString("HH:mm", c));
            return Page();
        }
        var keepLocal = Input.Appointments == "local";
        var oldZone = workspace.TimeZone;
        var moved = await booking.ChangeTimeZoneAsync(workspace, newZone, keepLocal, cancellationToken);
        await audit.RecordAsync(AuditAction.Update, nameof(Workspace), workspace.Id, workspace.Id, current.UserId, new
        {
            time_zone = new { old = oldZone, @new = newZone }, appointments = ahead.Count == 0 ? "none_ahead" : keepLocal ? "kept_local_times" : "kept_instants",
            appointments_moved = moved,
        }, cancellationToken);
        this.Flash(ahead.Count == 0 ? "Saved." : keepLocal
            ? $"Saved. {moved} appointment{(moved == 1 ? "" : "s")} kept {(moved == 1 ? "its" : "their")} local time{(moved == 1 ? "" : "s")} in {newZone}."
            : $"Saved. Appointments kept their moments; the calendar now shows them in {newZone} time.");
        return RedirectToPage();
    }

    private async Task<Workspace> LoadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        Zones = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).OrderBy(z => z.Id, StringComparer.Ordinal)
            .Select(z => new Zone(z.Id, Offset(z.GetUtcOffset(now)))).ToList();
        var workspace = await db.Workspaces.SingleAsync(cancellationToken);
        (StorageUsed, StorageQuota) = (workspace.StorageUsedBytes, workspace.StorageQuotaBytes);
        return workspace;
    }

    private static string Offset(TimeSpan offset) => $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset.Duration():hh\\:mm}";
}
