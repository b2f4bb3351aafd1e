using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// What the new and edit pages share: the form's options, reading and checking the input, and turning a
/// <see cref="BookingResult"/> into a response (204 + appointment-saved, or the form again with 422).
/// </summary>
public abstract class AppointmentFormModel(PazPazDb db) : PageModel
{
    public AppointmentInput Input { get; protected set; } = new();
    public Guid? AppointmentId { get; protected set; }
    public AppointmentStatus Status { get; protected set; } = AppointmentStatus.Scheduled;
    public bool HasSessionNote { get; protected set; }
    /// <summary>The session is still to come: it cannot be completed or marked a no-show yet (§4).</summary>
    public bool NotStartedYet { get; protected set; }
    /// <summary>"Write note" / "Open note" is offered: the user may see notes, and the session has one or its day has come.</summary>
    public bool CanWriteNote { get; protected set; }
    public string? ClientName { get; private set; }
    public List<Service> Services { get; private set; } = [];
    public List<Location> Locations { get; private set; } = [];
    public List<ConflictingAppointment> Conflicts { get; private set; } = [];
    /// <summary>The sessions of a series being booked or moved that overlap other appointments (the clash list).</summary>
    public List<SeriesClash> SeriesClashes { get; private set; } = [];
    /// <summary>For a session of a series: "Every Tuesday · 5 of 12"; the form then asks how far a change reaches.</summary>
    public SeriesPlace? Series { get; protected set; }
    public PracticeZone Zone { get; protected set; } = null!;
    /// <summary>Someone else saved the appointment while the form was open: the form shows their version, and says so.</summary>
    public bool ChangedElsewhere { get; protected set; }
    /// <summary>Set when the chosen day is more than <see cref="FarAhead"/> away and not yet confirmed: the form asks first.</summary>
    public string? FarAheadDay { get; private set; }

    /// <summary>Bookings further ahead than this are asked about once: "2099" for "2026" is an easy slip on a date field.</summary>
    public static readonly TimeSpan FarAhead = TimeSpan.FromDays(366);

    protected PazPazDb Db => db;

    public bool IsNew => AppointmentId is null;
    public string Action => IsNew ? "/appointments/new" : $"/appointments/{AppointmentId}";

    /// <summary>The status buttons this appointment allows now (<see cref="Appointment.WhyNot"/>).</summary>
    public IEnumerable<(AppointmentStatus To, string Icon, string Label)> StatusActions =>
        new[]
        {
            (AppointmentStatus.Completed, AppointmentLabels.Icon(AppointmentStatus.Completed), "Complete"),
            (AppointmentStatus.NoShow, AppointmentLabels.Icon(AppointmentStatus.NoShow), "No-show"),
            (AppointmentStatus.Cancelled, AppointmentLabels.Icon(AppointmentStatus.Cancelled), "Cancel appointment"),
            (AppointmentStatus.Scheduled, "↺", "Restore"),
        }.Where(a => a.Item1 != Status && Appointment.WhyNot(Status, a.Item1, HasSessionNote) is null &&
                     !(NotStartedYet && a.Item1 is AppointmentStatus.Completed or AppointmentStatus.NoShow));

    private bool optionsLoaded;

    protected async Task LoadOptionsAsync(CancellationToken cancellationToken)
    {
        if (optionsLoaded) return;
        optionsLoaded = true;
        Zone ??= await PracticeZone.LoadAsync(db, cancellationToken);
        Services = await db.Services.AsNoTracking().Where(s => s.IsActive || s.Id == Input.ServiceId).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        Locations = await db.Locations.AsNoTracking().Where(l => l.IsActive || l.Id == Input.LocationId).OrderBy(l => l.Name).ToListAsync(cancellationToken);
        ClientName = Input.ClientId is { } clientId
            ? (await db.Clients.Where(c => c.Id == clientId).Select(c => new { c.FirstName, c.LastName }).FirstOrDefaultAsync(cancellationToken)) is { } client
                ? $"{client.FirstName} {client.LastName}" : null
            : null;
    }

    /// <summary>A form that opens on a taken slot says so at once (the same warning the time fields refresh).</summary>
    protected async Task FindConflictsAsync(ConflictChecker checker, CancellationToken cancellationToken)
    {
        if (Input.ReadTimes(Zone, new ModelStateDictionary()) is { } times)
            Conflicts = await checker.FindAsync(times.Start, times.End, AppointmentId, cancellationToken);
    }

    /// <summary>Reads and checks the posted form; null (with field errors) when it cannot be saved as it is.</summary>
    protected (DateTimeOffset Start, DateTimeOffset End)? Validate(DateTimeOffset? now = null)
    {
        if (Input.ClientId is null) ModelState.AddModelError("client_id", "Choose a client, or add a new one.");
        if (Input.Notes?.Length > 5000) ModelState.AddModelError("notes", "Notes are at most 5,000 characters.");
        if (Input.LocationDetails?.Length > 2000) ModelState.AddModelError("location_details", "Location details are at most 2,000 characters.");
        var times = Input.ReadTimes(Zone, ModelState);
        if (ModelState.IsValid && now is { } today && times is { } t && t.Start - today > FarAhead && Input.ConfirmedFarDate != Input.Date)
            FarAheadDay = Zone.ToLocal(t.Start).ToString("dddd d MMMM yyyy", PracticeZone.Culture);
        return ModelState.IsValid && FarAheadDay is null ? times : null;
    }

    /// <summary>The chosen location's type and details (the details typed in the form win).</summary>
    protected (LocationType? Type, string? Details) LocationOf(AppointmentInput input)
    {
        var location = Locations.FirstOrDefault(l => l.Id == input.LocationId);
        return (location?.LocationType, AppointmentInput.Clean(input.LocationDetails) ?? location?.Details);
    }

    protected async Task<IActionResult> RespondAsync(BookingResult result, CancellationToken cancellationToken)
    {
        switch (result)
        {
            case BookingResult.Saved saved:
                if (!Request.IsHtmx())
                {
                    TempData["Flash.Success"] = IsNew ? "Appointment booked." : "Appointment saved.";
                    return Redirect(Calendar.IndexModel.CalendarUrl(CalendarView.Week, DateOnly.FromDateTime(Zone.ToLocal(saved.Appointment.ScheduledStart))));
                }
                var week = Calendar.IndexModel.CalendarUrl(CalendarView.Week, DateOnly.FromDateTime(Zone.ToLocal(saved.Appointment.ScheduledStart)));
                if (!IsNew)
                {
                    Response.Htmx(h => h.WithTrigger("appointment-saved", new { url = week }));
                    return new NoContentResult();
                }
                // The date in the confirmation makes a slip (the wrong week, 2099) visible at once; "Show" goes there.
                // LoadOptionsAsync read the chosen client's name already; the booking is for that client.
                var name = ClientName ?? await FullNameAsync(saved.Appointment.ClientId, cancellationToken);
                var local = Zone.ToLocal(saved.Appointment.ScheduledStart);
                var day = local.ToString(local.Year == Zone.ToLocal(saved.Appointment.CreatedAt).Year ? "ddd d MMM" : "ddd d MMM yyyy", PracticeZone.Culture);
                Response.Htmx(h => h.Reswap("none").WithTrigger("appointment-saved", new { url = week }));
                return Partial("_ToastOob", new ToastView($"Booked {name} · {day} {Zone.Time(saved.Appointment.ScheduledStart)}", Link: new ToastLink("Show", week)));
            case BookingResult.SeriesSaved series:
                var first = series.Sessions.MinBy(a => a.ScheduledStart)!;
                var seriesWeek = Calendar.IndexModel.CalendarUrl(CalendarView.Week, DateOnly.FromDateTime(Zone.ToLocal(first.ScheduledStart)));
                if (!Request.IsHtmx())
                {
                    TempData["Flash.Success"] = IsNew ? $"{series.Sessions.Count} sessions booked." : "Sessions saved.";
                    return Redirect(seriesWeek);
                }
                if (!IsNew)
                {
                    Response.Htmx(h => h.WithTrigger("appointment-saved", new { url = seriesWeek }));
                    return new NoContentResult();
                }
                var client = ClientName ?? await FullNameAsync(first.ClientId, cancellationToken);
                var firstLocal = Zone.ToLocal(first.ScheduledStart);
                var firstDay = firstLocal.ToString(firstLocal.Year == Zone.ToLocal(first.CreatedAt).Year ? "ddd d MMM" : "ddd d MMM yyyy", PracticeZone.Culture);
                Response.Htmx(h => h.Reswap("none").WithTrigger("appointment-saved", new { url = seriesWeek }));
                return Partial("_ToastOob", new ToastView($"Booked {client} · {series.Sessions.Count} sessions from {firstDay} {Zone.Time(first.ScheduledStart)}",
                    Link: new ToastLink("Show", seriesWeek)));
            case BookingResult.SeriesConflicted clashes:
                SeriesClashes = clashes.Clashes;
                break;
            case BookingResult.Conflicted conflicted:
                Conflicts = conflicted.Conflicts;
                break;
            case BookingResult.Refused refused:
                ModelState.AddModelError(refused.Field switch
                {
                    "client_id" or "service_id" or "location_id" or "interval_weeks" or "weekdays" or "until" or "count" or "scope" => refused.Field,
                    "skip_dates" => "count",
                    "scheduled_start" => "date",
                    _ => "end",
                }, refused.Message);
                break;
            case BookingResult.Changed:
                return await ChangedElsewhereAsync(cancellationToken);
            case BookingResult.NotFound { What: "Client" }:
                ModelState.AddModelError("client_id", "That client no longer exists; choose another.");
                break;
            default:
                return NotFound();
        }
        return await FormAsync(StatusCodes.Status422UnprocessableEntity, cancellationToken);
    }

    /// <summary>The edit form again, filled with the appointment as it is now (someone else's save won).</summary>
    protected virtual Task<IActionResult> ChangedElsewhereAsync(CancellationToken cancellationToken) =>
        FormAsync(Request.IsHtmx() ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict, cancellationToken);

    /// <summary>The options and client name are read again for a new <see cref="Input"/>.</summary>
    protected void ForgetOptions() => optionsLoaded = false;

    /// <summary>The form: its partial for htmx (into the dialog), the whole page otherwise.</summary>
    protected async Task<IActionResult> FormAsync(int status, CancellationToken cancellationToken)
    {
        await LoadOptionsAsync(cancellationToken);
        Response.StatusCode = status;
        Response.Headers.Append("Vary", "HX-Request");
        if (!Request.IsHtmx()) return Page();
        var partial = Partial("_Form", this);
        partial.StatusCode = status;
        return partial;
    }

    /// <summary>The client's name, joined here: the columns are encrypted, so PostgreSQL cannot concatenate them.</summary>
    private async Task<string> FullNameAsync(Guid clientId, CancellationToken cancellationToken)
    {
        var client = await Db.Clients.Where(c => c.Id == clientId).Select(c => new { c.FirstName, c.LastName }).FirstAsync(cancellationToken);
        return $"{client.FirstName} {client.LastName}";
    }
}
