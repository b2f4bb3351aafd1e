using Microsoft.EntityFrameworkCore;
using PazPaz.Audit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Files;
using PazPaz.Notifications;

namespace PazPaz.Scheduling;

public abstract partial record BookingResult
{
    public sealed record Saved(Appointment Appointment) : BookingResult;
    /// <summary>The slot is taken; nothing was written. The caller may retry with "book anyway".</summary>
    public sealed record Conflicted(List<ConflictingAppointment> Conflicts) : BookingResult;
    public sealed record NotFound(string What) : BookingResult;
    /// <summary>A rule refused the change; <see cref="Field"/> names the input it is about.</summary>
    public sealed record Refused(string Field, string Message) : BookingResult;
    /// <summary>A series booked or changed: the sessions written (those a scope reached).</summary>
    public sealed record SeriesSaved(AppointmentSeries Series, List<Appointment> Sessions) : BookingResult;
    /// <summary>Some sessions of a series clash; nothing was written. Skip those dates, book anyway, or give up.</summary>
    public sealed record SeriesConflicted(List<SeriesClash> Clashes) : BookingResult;
    /// <summary>
    /// Someone else changed the appointment: since the version the edit was based on (<see cref="OutOfDate"/>), or at the
    /// same moment as this save (the row's xmin moved under it). Nothing was written; read it again and decide.
    /// </summary>
    public sealed record Changed(bool OutOfDate, uint? Current = null) : BookingResult;
}

public sealed record NewAppointment(Guid ClientId, DateTimeOffset Start, DateTimeOffset End, Guid? ServiceId = null,
    Guid? LocationId = null, LocationType? LocationType = null, string? LocationDetails = null, string? Notes = null);

public enum SessionNoteAction { Keep, Delete }

/// <summary>
/// Every appointment write, for pages and API alike. Writes that can create an overlap take the workspace's
/// transaction-scoped advisory lock first, so "check for conflicts, then save" is atomic: two concurrent bookings
/// of one free slot cannot both succeed without confirmation.
/// </summary>
public sealed partial class Booking(PazPazDb db, ConflictChecker conflicts, CurrentUser current, AuditLog audit, TimeProvider clock, AppointmentEvents events)
{
    public async Task<BookingResult> BookAsync(NewAppointment input, bool allowConflict, CancellationToken cancellationToken = default)
    {
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == input.ClientId, cancellationToken);
        if (client is null) return new BookingResult.NotFound("Client");
        if (!client.IsActive) return new BookingResult.Refused("client_id", "This client is archived; restore them before booking.");
        if (await CheckReferencesAsync(input.ServiceId, input.LocationId, cancellationToken) is { } refused) return refused;
        var location = input.LocationId is { } locationId ? await db.Locations.FirstAsync(l => l.Id == locationId, cancellationToken) : null;

        Appointment appointment;
        try
        {
            appointment = Appointment.Create(current.RequireWorkspaceId(), client.Id, input.Start, input.End,
                input.LocationType ?? location?.LocationType ?? LocationType.Clinic, input.ServiceId, input.LocationId,
                input.LocationDetails ?? location?.Details, input.Notes);
        }
        catch (DomainException e) { return new BookingResult.Refused("scheduled_end", e.Message); }

        return await UnderLockAsync(async () =>
        {
            if (!allowConflict && await conflicts.FindAsync(appointment.ScheduledStart, appointment.ScheduledEnd, null, cancellationToken) is { Count: > 0 } found)
                return new BookingResult.Conflicted(found);
            db.Appointments.Add(appointment);
            await db.SaveChangesAsync(cancellationToken);
            await events.RecordAsync(appointment, NotificationKinds.Booked, cancellationToken);
            return new BookingResult.Saved(appointment);
        }, cancellationToken);
    }

    public async Task<BookingResult> EditAsync(Guid id, AppointmentEdit edit, bool allowConflict, CancellationToken cancellationToken = default)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return new BookingResult.NotFound("Appointment");
        if (edit.BasedOnVersion is { } basedOn && basedOn != appointment.Version) return new BookingResult.Changed(OutOfDate: true, appointment.Version);
        if (edit.ClientId is { } clientId && clientId != appointment.ClientId)
        {
            var client = await db.Clients.FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken);
            if (client is null) return new BookingResult.NotFound("Client");
            if (!client.IsActive) return new BookingResult.Refused("client_id", "This client is archived; restore them before booking.");
        }
        if (await CheckReferencesAsync(edit.ServiceId.IsSet ? edit.ServiceId.Value : null, edit.LocationId.IsSet ? edit.LocationId.Value : null,
                cancellationToken) is { } refused) return refused;

        return await UnderLockAsync(async () =>
        {
            var (oldStart, oldEnd) = (appointment.ScheduledStart, appointment.ScheduledEnd);
            try
            {
                if (!appointment.Edit(edit, clock.GetUtcNow())) return new BookingResult.Saved(appointment);
            }
            catch (DomainException e) { return new BookingResult.Refused("scheduled_end", e.Message); }
            appointment.MarkChangedOnItsOwn(); // "this session": a later edit of its series leaves it as it is

            var moved = appointment.ScheduledStart != oldStart || appointment.ScheduledEnd != oldEnd;
            if (moved && appointment.BlocksTime && !allowConflict &&
                await conflicts.FindAsync(appointment.ScheduledStart, appointment.ScheduledEnd, appointment.Id, cancellationToken) is { Count: > 0 } found)
            {
                db.ChangeTracker.Clear();
                return new BookingResult.Conflicted(found);
            }
            await db.SaveChangesAsync(cancellationToken);
            if (appointment.ScheduledStart != oldStart && appointment.Status == AppointmentStatus.Scheduled)
                await events.RecordAsync(appointment, NotificationKinds.Rescheduled, cancellationToken);
            return new BookingResult.Saved(appointment);
        }, cancellationToken);
    }

    /// <summary>Complete, no-show, cancel or restore; restoring to scheduled re-checks the slot.</summary>
    public async Task<BookingResult> ChangeStatusAsync(Guid id, AppointmentStatus status, bool allowConflict, CancellationToken cancellationToken = default)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return new BookingResult.NotFound("Appointment");
        var hasNote = await db.SessionNotes.AnyAsync(n => n.AppointmentId == id, cancellationToken);
        if (appointment.WhyNot(status, hasNote, clock.GetUtcNow()) is { } reason) return new BookingResult.Refused("status", reason);

        var takesSlotBack = !appointment.BlocksTime && status is AppointmentStatus.Scheduled or AppointmentStatus.Completed;
        return await UnderLockAsync(async () =>
        {
            if (takesSlotBack && !allowConflict &&
                await conflicts.FindAsync(appointment.ScheduledStart, appointment.ScheduledEnd, appointment.Id, cancellationToken) is { Count: > 0 } found)
                return new BookingResult.Conflicted(found);
            var from = appointment.Status;
            appointment.ChangeStatus(status, hasNote, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            if (AppointmentEvents.KindFor(from, status) is { } kind) await events.RecordAsync(appointment, kind, cancellationToken);
            return new BookingResult.Saved(appointment);
        }, cancellationToken);
    }

    /// <summary>Deletes (softly, so undo works) and keeps or deletes the appointment's session notes; audited with the reason.</summary>
    public async Task<BookingResult> DeleteAsync(Guid id, SessionNoteAction notes, string? reason, CancellationToken cancellationToken = default)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return new BookingResult.NotFound("Appointment");
        var now = clock.GetUtcNow();
        var linked = await db.SessionNotes.Where(n => n.AppointmentId == id).ToListAsync(cancellationToken);
        if (notes == SessionNoteAction.Delete && linked.Any(n => n.WasAmended))
            return new BookingResult.Refused("session_note_action",
                "This appointment's session note was amended and is part of the medical record: keep it instead.");
        var noteReason = string.IsNullOrWhiteSpace(reason) ? DeletedWithAppointment : reason;
        if (notes == SessionNoteAction.Delete && linked.Count > 0 && SessionNote.ReasonProblems(noteReason) is { Count: > 0 } problems)
            return new BookingResult.Refused("reason", problems.Values.First());
        foreach (var note in linked)
        {
            if (notes == SessionNoteAction.Delete)
            {
                note.Delete(noteReason, now);
                await NoteFiles.DeleteWithNoteAsync(db, note.Id, now, cancellationToken);
            }
            else note.UnlinkFromAppointment();
        }
        var wasScheduled = !appointment.IsDeleted && appointment.Status == AppointmentStatus.Scheduled;
        appointment.Delete(now);
        await db.SaveChangesAsync(cancellationToken);
        if (wasScheduled) await events.RecordAsync(appointment, NotificationKinds.Cancelled, cancellationToken);
        await audit.RecordAsync(AuditAction.Delete, nameof(Appointment), appointment.Id, appointment.WorkspaceId, current.UserId,
            new { reason, session_note_action = notes == SessionNoteAction.Delete ? "delete" : "keep", session_notes = linked.Count }, cancellationToken);
        return new BookingResult.Saved(appointment);
    }

    /// <summary>The reason a note deleted with its appointment carries when the appointment's deletion gave none.</summary>
    public const string DeletedWithAppointment = "Deleted with its appointment.";

    /// <summary>
    /// The Undo of "Complete", shortly after it (<see cref="Appointment.WhyNotUndoCompletion"/>). A completed session keeps
    /// its slot, so going back to scheduled needs no conflict check; no e-mail goes out for it.
    /// </summary>
    public async Task<BookingResult> UndoCompletionAsync(Guid id, AppointmentStatus back, CancellationToken cancellationToken = default)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return new BookingResult.NotFound("Appointment");
        if (appointment.WhyNotUndoCompletion(back, clock.GetUtcNow()) is { } reason) return new BookingResult.Refused("status", reason);
        appointment.UndoCompletion(back, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return new BookingResult.Saved(appointment);
    }

    /// <summary>Undo of a delete: the appointment comes back if its slot is still free (or the user confirms).</summary>
    public async Task<BookingResult> UndeleteAsync(Guid id, bool allowConflict, CancellationToken cancellationToken = default)
    {
        var appointment = await db.Appointments.IgnoreQueryFilters([PazPazDb.NotDeletedFilter]).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null) return new BookingResult.NotFound("Appointment");
        if (!appointment.IsDeleted) return new BookingResult.Saved(appointment);
        return await UnderLockAsync(async () =>
        {
            if (appointment.BlocksTime && !allowConflict &&
                await conflicts.FindAsync(appointment.ScheduledStart, appointment.ScheduledEnd, appointment.Id, cancellationToken) is { Count: > 0 } found)
                return new BookingResult.Conflicted(found);
            appointment.Undelete(clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            if (appointment.Status == AppointmentStatus.Scheduled) await events.RecordAsync(appointment, NotificationKinds.Booked, cancellationToken);
            return new BookingResult.Saved(appointment);
        }, cancellationToken);
    }

    private async Task<BookingResult?> CheckReferencesAsync(Guid? serviceId, Guid? locationId, CancellationToken cancellationToken)
    {
        if (serviceId is { } s && !await db.Services.AnyAsync(x => x.Id == s, cancellationToken))
            return new BookingResult.Refused("service_id", "There is no such service.");
        if (locationId is { } l && !await db.Locations.AnyAsync(x => x.Id == l, cancellationToken))
            return new BookingResult.Refused("location_id", "There is no such location.");
        return null;
    }

    /// <summary>Runs <paramref name="work"/> in a transaction holding the workspace's advisory lock.</summary>
    /// <summary>
    /// Changes the practice's time zone. With <paramref name="keepLocalTimes"/> every appointment from now on keeps its
    /// wall-clock time (09:15 stays 09:15 in the new zone: the usual intent when the zone was set wrong), so its instant
    /// moves; otherwise the instants stay and the calendar shows them at the new zone's times. No "rescheduled" e-mail
    /// goes out for it (nobody's local time changed); feeds see the new times (SEQUENCE rises) and reminders follow. Time off
    /// still to come follows the same choice. Returns how many appointments moved.
    /// </summary>
    public async Task<int> ChangeTimeZoneAsync(Workspace workspace, string timeZone, bool keepLocalTimes, CancellationToken cancellationToken = default)
    {
        return await UnderLockAsync(async () =>
        {
            var moved = 0;
            var (from, to) = (TimeZones.Find(workspace.TimeZone), TimeZones.Find(timeZone.Trim()));
            var now = clock.GetUtcNow();
            if (keepLocalTimes)
                foreach (var appointment in await db.Appointments.Where(a => a.ScheduledEnd > now).ToListAsync(cancellationToken))
                {
                    DateTimeOffset Same(DateTimeOffset instant) => TimeZones.ToUtc(TimeZoneInfo.ConvertTime(instant, from).DateTime, to);
                    if (appointment.Edit(new AppointmentEdit { Start = Same(appointment.ScheduledStart), End = Same(appointment.ScheduledEnd) }, now)) moved++;
                }
            if (keepLocalTimes)
            {
                // Time off keeps its wall-clock times too: a Friday off stays the new zone's whole Friday.
                DateTimeOffset Same(DateTimeOffset instant) => TimeZones.ToUtc(TimeZoneInfo.ConvertTime(instant, from).DateTime, to);
                foreach (var entry in await db.TimeOff.Where(t => t.EndsAt > now).ToListAsync(cancellationToken))
                    entry.Change(entry.Label, Same(entry.StartsAt), Same(entry.EndsAt), entry.AllDay);
            }
            workspace.ChangeTimeZone(timeZone);
            await db.SaveChangesAsync(cancellationToken);
            return moved;
        }, _ => true, cancellationToken);
    }

    /// <summary>
    /// Runs a booking change under the lock. The lock orders bookings, but a rename of the client (which raises the
    /// appointments' SEQUENCE) or an API edit with no lock of its own can still change a row between its read and this
    /// save: xmin catches that, and the change is answered as <see cref="BookingResult.Changed"/> with nothing written.
    /// </summary>
    private async Task<BookingResult> UnderLockAsync(Func<Task<BookingResult>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await UnderLockAsync(work, result => result is BookingResult.Saved or BookingResult.SeriesSaved, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new BookingResult.Changed(OutOfDate: false);
        }
    }

    /// <summary>Runs <paramref name="work"/> holding the workspace's booking lock; commits when <paramref name="commit"/> says so.</summary>
    private async Task<T> UnderLockAsync<T>(Func<Task<T>> work, Func<T, bool> commit, CancellationToken cancellationToken)
    {
        var key = LockKey(current.RequireWorkspaceId());
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
            var result = await work();
            if (commit(result)) await transaction.CommitAsync(cancellationToken);
            return result;
        });
    }

    internal static long LockKey(Guid workspaceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        workspaceId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
