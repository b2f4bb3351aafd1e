using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Notes;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// GET: an appointment in the form, with the status changes it allows and delete. POST: saves every field through
/// <see cref="Booking.EditAsync"/>; another workspace's appointment is a 404.
/// </summary>
public sealed class EditModel(PazPazDb db, Booking booking, ConflictChecker checker, SessionNotes notes, ReadAudit reads, TimeProvider clock)
    : AppointmentFormModel(db)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var appointment = await Db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return NotFound();
        await FillAsync(appointment, cancellationToken);
        if (appointment.BlocksTime) await FindConflictsAsync(checker, cancellationToken);
        // The dialog shows the client's name, the appointment's notes and location details.
        await reads.RecordAsync(nameof(Appointment), [appointment.Id], "page", cancellationToken);
        return await FormAsync(StatusCodes.Status200OK, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, AppointmentInput input, CancellationToken cancellationToken)
    {
        var appointment = await Db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return NotFound();
        Input = input;
        await LoadAsync(appointment, cancellationToken);
        await LoadOptionsAsync(cancellationToken);
        if (Validate() is not { } times) return await FormAsync(StatusCodes.Status422UnprocessableEntity, cancellationToken);

        var (type, details) = LocationOf(input);
        var edit = new AppointmentEdit
        {
            Start = times.Start, End = times.End, ClientId = input.ClientId, BasedOnVersion = input.Version,
            ServiceId = Optional<Guid?>.Of(input.ServiceId), LocationId = Optional<Guid?>.Of(input.LocationId),
            LocationType = type, LocationDetails = Optional<string?>.Of(details), Notes = Optional<string?>.Of(AppointmentInput.Clean(input.Notes)),
        };
        var scope = ApiNames.TryParse<SeriesScope>(input.Scope ?? "this", out var s) ? s : SeriesScope.This;
        var result = scope == SeriesScope.This
            ? await booking.EditAsync(id, edit, input.ConflictConfirmed, cancellationToken)
            : await booking.EditSeriesAsync(id, edit, scope, input.SeriesConflictConfirmed, cancellationToken);
        return await RespondAsync(result, cancellationToken);
    }

    /// <summary>The form filled with the appointment as stored, carrying its version.</summary>
    private async Task FillAsync(Appointment appointment, CancellationToken cancellationToken)
    {
        await LoadAsync(appointment, cancellationToken);
        Input = new AppointmentInput
        {
            ClientId = appointment.ClientId, ServiceId = appointment.ServiceId, LocationId = appointment.LocationId,
            LocationDetails = appointment.LocationDetails, Notes = appointment.Notes, Version = appointment.Version,
        };
        Input.SetTimes(Zone.ToLocal(appointment.ScheduledStart), Zone.ToLocal(appointment.ScheduledEnd));
    }

    protected override async Task<IActionResult> ChangedElsewhereAsync(CancellationToken cancellationToken)
    {
        var appointment = await Db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == AppointmentId, cancellationToken);
        if (appointment is null) return NotFound();
        ModelState.Clear(); // the posted values give way to the stored ones
        await FillAsync(appointment, cancellationToken);
        ForgetOptions();
        ChangedElsewhere = true;
        return await base.ChangedElsewhereAsync(cancellationToken);
    }

    private async Task LoadAsync(Appointment appointment, CancellationToken cancellationToken)
    {
        AppointmentId = appointment.Id;
        Series = await SeriesPlace.OfAsync(Db, appointment, cancellationToken);
        Status = appointment.Status;
        HasSessionNote = await Db.SessionNotes.AnyAsync(n => n.AppointmentId == appointment.Id, cancellationToken);
        NotStartedYet = appointment.ScheduledStart > clock.GetUtcNow();
        Zone = await PracticeZone.LoadAsync(Db, cancellationToken);
        CanWriteNote = await notes.WhyNotAllowedAsync(cancellationToken) is null && (HasSessionNote ||
            (appointment.Status != AppointmentStatus.Cancelled && DateOnly.FromDateTime(Zone.ToLocal(appointment.ScheduledStart)) <= Zone.Today(clock)));
    }
}
