using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Shared;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Clients;

[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)] // it lists session notes: health data
public sealed class DetailsModel(PazPazDb db, ReadAudit reads, TimeProvider clock, SessionNotes notes, Booking booking) : PageModel
{
    /// <summary>Archiving was asked for while sessions are still booked: the page asks whether to cancel or keep them.</summary>
    public bool ConfirmArchive { get; private set; }
    public List<Visit> UpcomingScheduled => Upcoming.Where(v => v.Status == AppointmentStatus.Scheduled).ToList();

    /// <summary>One appointment as the client page shows it, in the practice's time zone.</summary>
    public sealed record Visit(Guid Id, DateTime Start, DateTime End, string? ServiceName, AppointmentStatus Status);

    public Client Client { get; private set; } = null!;
    public DateOnly Today { get; private set; }
    public int AppointmentCount { get; private set; }
    /// <summary>The earliest scheduled appointment still to come.</summary>
    public Visit? Next { get; private set; }
    /// <summary>The latest completed appointment.</summary>
    public Visit? Last { get; private set; }
    public List<Visit> Upcoming { get; private set; } = [];
    public List<Visit> Past { get; private set; } = [];
    /// <summary>The session-note timeline (newest first), or null when this user may not see notes (assistants).</summary>
    public List<TimelineEntry>? Notes { get; private set; }
    /// <summary>Deleted notes still within their 30 days, with Restore.</summary>
    public List<TimelineEntry> RecentlyDeleted { get; private set; } = [];
    /// <summary>Words searched for in this client's notes.</summary>
    public string? Q { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? q, string? archive, CancellationToken cancellationToken)
    {
        // Another workspace's client is simply not found: the wall filters it out.
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (client is null) return NotFound();
        Client = client;

        var workspace = await db.Workspaces.AsNoTracking().SingleAsync(cancellationToken);
        var zone = Zone = TimeZones.Find(workspace.TimeZone);
        var now = clock.GetUtcNow();
        Today = workspace.Today(now);
        var rows = await db.Appointments.AsNoTracking().Where(a => a.ClientId == id).OrderBy(a => a.ScheduledStart)
            .Select(a => new { a.Id, a.ScheduledStart, a.ScheduledEnd, ServiceName = a.Service!.Name, a.Status })
            .ToListAsync(cancellationToken);
        Visit Local(DateTimeOffset start, DateTimeOffset end, Guid visitId, string? service, AppointmentStatus status) =>
            new(visitId, TimeZoneInfo.ConvertTime(start, zone).DateTime, TimeZoneInfo.ConvertTime(end, zone).DateTime, service, status);

        AppointmentCount = rows.Count;
        Upcoming = rows.Where(a => a.ScheduledStart >= now && a.Status != AppointmentStatus.Cancelled)
            .Select(a => Local(a.ScheduledStart, a.ScheduledEnd, a.Id, a.ServiceName, a.Status)).ToList();
        Past = rows.Where(a => a.ScheduledStart < now).Reverse()
            .Select(a => Local(a.ScheduledStart, a.ScheduledEnd, a.Id, a.ServiceName, a.Status)).ToList();
        Next = rows.Where(a => a.Status == AppointmentStatus.Scheduled && a.ScheduledStart > now)
            .Select(a => Local(a.ScheduledStart, a.ScheduledEnd, a.Id, a.ServiceName, a.Status)).FirstOrDefault();
        Last = rows.Where(a => a.Status == AppointmentStatus.Completed)
            .Select(a => Local(a.ScheduledStart, a.ScheduledEnd, a.Id, a.ServiceName, a.Status)).LastOrDefault();
        ConfirmArchive = archive == "confirm" && client.IsActive && UpcomingScheduled.Count > 0;

        // Two kinds read here: the client record, and the visits listed under it (one event each, see ReadAudit).
        await reads.RecordAsync(nameof(Domain.Client), [id], "page", cancellationToken);
        await reads.RecordAsync(nameof(Appointment), Upcoming.Concat(Past).Select(v => v.Id).ToList(), "page_client", cancellationToken);

        // The timeline and the recently deleted notes come through the notes service, which audits the reads.
        Q = q?.Trim() is { Length: > 0 } words ? words[..Math.Min(words.Length, SessionNotes.SearchMaxLength)] : null;
        if (await notes.TimelineAsync(id, Q, "page", cancellationToken: cancellationToken) is NoteResult.Timeline timeline)
        {
            Notes = timeline.Entries;
            if (await notes.TimelineAsync(id, null, "page", deleted: true, cancellationToken) is NoteResult.Timeline deleted)
                RecentlyDeleted = deleted.Entries;
        }
        return Page();
    }

    /// <summary>
    /// Archives the client. With sessions still booked it first asks (<paramref name="upcoming"/> absent): cancel them
    /// (through <see cref="Booking"/>, so the calendar, feeds and e-mails follow) or keep them.
    /// </summary>
    public async Task<IActionResult> OnPostArchiveAsync(Guid id, string? upcoming, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return NotFound();
        var now = clock.GetUtcNow();
        var booked = await db.Appointments.Where(a => a.ClientId == id && a.Status == AppointmentStatus.Scheduled && a.ScheduledStart >= now)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        if (booked.Count > 0 && upcoming is not ("cancel" or "keep")) return RedirectToPage("Details", new { id, archive = "confirm" });

        var cancelled = 0;
        if (booked.Count > 0 && upcoming == "cancel")
            foreach (var appointmentId in booked)
                if (await booking.ChangeStatusAsync(appointmentId, AppointmentStatus.Cancelled, allowConflict: false, cancellationToken) is BookingResult.Saved)
                    cancelled++;
        client.Archive();
        await db.SaveChangesAsync(cancellationToken);
        static string Appointments(int n) => n == 1 ? "upcoming appointment was" : $"{n} upcoming appointments were";
        var what = booked.Count == 0 ? "" : upcoming == "cancel" ? $" Their {Appointments(cancelled)} cancelled." : $" Their {Appointments(booked.Count)} kept.";
        this.Flash($"{client.FullName} was archived: hidden from the client list, history kept. You can restore them at any time.{what}");
        return RedirectToPage("Details", new { id });
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Clients.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } client) return NotFound();
        client.Restore();
        await db.SaveChangesAsync(cancellationToken);
        this.Flash($"{client.FullName} was restored.");
        return RedirectToPage("Details", new { id });
    }

    private TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>"4 Dec 2026": an instant's day in the practice's zone.</summary>
    public string LocalDay(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public int? Age => Client.DateOfBirth is { } born
        ? Today.Year - born.Year - (Today < born.AddYears(Today.Year - born.Year) ? 1 : 0)
        : null;
}
