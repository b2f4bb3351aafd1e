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
    /// <summary>"Write note" / "Open note" is offered: the user may see notes, and the session has one or its day has come.</summary>
    public bool CanWriteNote { get; protected set; }
    public string? ClientName { get; private set; }
    public List<Service> Services { get; private set; } = [];
    public List<Location> Locations { get; private set; } = [];
    public List<ConflictingAppointment> Conflicts { get; private set; } = [];
    public PracticeZone Zone { get; protected set; } = null!;

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
        }.Where(a => a.Item1 != Status && Appointment.WhyNot(Status, a.Item1, HasSessionNote) is null);

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
    protected (DateTimeOffset Start, DateTimeOffset End)? Validate()
    {
        if (Input.ClientId is null) ModelState.AddModelError("client_id", "Choose a client, or add a new one.");
        if (Input.Notes?.Length > 5000) ModelState.AddModelError("notes", "Notes are at most 5,000 characters.");
        if (Input.LocationDetails?.Length > 2000) ModelState.AddModelError("location_details", "Location details are at most 2,000 characters.");
        var times = Input.ReadTimes(Zone, ModelState);
        return ModelState.IsValid ? times : null;
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
                Response.Htmx(h => h.WithTrigger("appointment-saved"));
                return new NoContentResult();
            case BookingResult.Conflicted conflicted:
                Conflicts = conflicted.Conflicts;
                break;
            case BookingResult.Refused refused:
                ModelState.AddModelError(refused.Field switch
                {
                    "client_id" or "service_id" or "location_id" => refused.Field,
                    _ => "end",
                }, refused.Message);
                break;
            case BookingResult.NotFound { What: "Client" }:
                ModelState.AddModelError("client_id", "That client no longer exists; choose another.");
                break;
            default:
                return NotFound();
        }
        return await FormAsync(StatusCodes.Status422UnprocessableEntity, cancellationToken);
    }

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
}
