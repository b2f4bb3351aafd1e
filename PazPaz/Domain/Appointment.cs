namespace PazPaz.Domain;

public enum AppointmentStatus { Scheduled, Completed, Cancelled, NoShow }

public sealed class Appointment : IWorkspaceOwned
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; private set; }
    public Guid ClientId { get; private set; }
    public Guid? ServiceId { get; private set; }
    public Guid? LocationId { get; private set; }
    public DateTimeOffset ScheduledStart { get; private set; }
    public DateTimeOffset ScheduledEnd { get; private set; }
    public LocationType LocationType { get; private set; }
    public string? LocationDetails { get; private set; }
    public AppointmentStatus Status { get; private set; } = AppointmentStatus.Scheduled;
    public string? Notes { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? EditedAt { get; private set; }
    public int EditCount { get; private set; }
    /// <summary>RFC 5545 SEQUENCE: rises with every change a calendar subscriber can see.</summary>
    public int Sequence { get; private set; }
    /// <summary>Soft delete, so that "undo" can bring the appointment back.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }
    /// <summary>
    /// PostgreSQL's xmin: changes with every write of the row, including raw SQL ones (a SEQUENCE raise). EF checks it on
    /// save, so two saves of one row at once cannot both win silently; forms and the API's ETag carry it.
    /// </summary>
    public uint Version { get; private set; }
    /// <summary>
    /// When the time was last set by a move, a restore or an undo; null means "as booked" (<see cref="CreatedAt"/>).
    /// A reminder whose moment came before this is not sent: the appointment was booked or moved too late for it.
    /// </summary>
    public DateTimeOffset? TimeSetAt { get; private set; }
    /// <summary>The <see cref="AppointmentSeries"/> this session belongs to, if any.</summary>
    public Guid? SeriesId { get; private set; }
    /// <summary>The session's local date in its series' rule (the date it was booked for, even if moved since).</summary>
    public DateOnly? SeriesDate { get; private set; }
    /// <summary>Edited on its own ("this session"): later edits of the series leave it as it is.</summary>
    public bool ChangedOnItsOwn { get; private set; }

    /// <summary>When the appointment got its current time and status, for the reminder's "too late" rule.</summary>
    public DateTimeOffset TimeLastSetAt => TimeSetAt ?? CreatedAt;

    public Client? Client { get; private set; }
    public Service? Service { get; private set; }
    public Location? Location { get; private set; }

    private Appointment() { }

    public static Appointment Create(Guid workspaceId, Guid clientId, DateTimeOffset start, DateTimeOffset end,
        LocationType locationType, Guid? serviceId = null, Guid? locationId = null, string? locationDetails = null, string? notes = null)
    {
        CheckTimes(start, end);
        return new Appointment
        {
            WorkspaceId = workspaceId, ClientId = clientId, ServiceId = serviceId, LocationId = locationId,
            ScheduledStart = start.ToUniversalTime(), ScheduledEnd = end.ToUniversalTime(),
            LocationType = locationType, LocationDetails = locationDetails, Notes = notes,
        };
    }

    public void PlaceInSeries(Guid seriesId, DateOnly date)
    {
        SeriesId = seriesId;
        SeriesDate = date;
        ChangedOnItsOwn = false;
    }

    /// <summary>Moves the session to the series split off its own ("this and following"), keeping everything else.</summary>
    public void MoveToSeries(Guid seriesId) => SeriesId = seriesId;

    /// <summary>A session of a series edited on its own keeps that change when the series is edited later.</summary>
    public void MarkChangedOnItsOwn()
    {
        if (SeriesId is not null) ChangedOnItsOwn = true;
    }

    /// <summary>Statuses in which an appointment holds its time slot: only these can conflict.</summary>
    public static readonly AppointmentStatus[] BlockingStatuses = [AppointmentStatus.Scheduled, AppointmentStatus.Completed];

    public bool BlocksTime => Status is AppointmentStatus.Scheduled or AppointmentStatus.Completed;

    /// <summary>
    /// Applies an edit. Every changed value counts once per save: edited_at and edit_count move only when something
    /// changed, and the sequence rises once when a change is visible in a subscribed calendar.
    /// </summary>
    public bool Edit(AppointmentEdit edit, DateTimeOffset now)
    {
        var start = (edit.Start ?? ScheduledStart).ToUniversalTime();
        var end = (edit.End ?? ScheduledEnd).ToUniversalTime();
        if (start != ScheduledStart || end != ScheduledEnd) CheckTimes(start, end);

        var visible = start != ScheduledStart || end != ScheduledEnd
            || (edit.ClientId is { } clientId && clientId != ClientId)
            || (edit.ServiceId.IsSet && edit.ServiceId.Value != ServiceId)
            || (edit.LocationId.IsSet && edit.LocationId.Value != LocationId)
            || (edit.LocationType is { } type && type != LocationType)
            || (edit.LocationDetails.IsSet && edit.LocationDetails.Value != LocationDetails);
        var changed = visible || (edit.Notes.IsSet && edit.Notes.Value != Notes);
        if (!changed) return false;

        if (start != ScheduledStart) TimeSetAt = now;
        ScheduledStart = start;
        ScheduledEnd = end;
        if (edit.ClientId is { } newClient) ClientId = newClient;
        if (edit.ServiceId.IsSet) ServiceId = edit.ServiceId.Value;
        if (edit.LocationId.IsSet) LocationId = edit.LocationId.Value;
        if (edit.LocationType is { } newType) LocationType = newType;
        if (edit.LocationDetails.IsSet) LocationDetails = edit.LocationDetails.Value;
        if (edit.Notes.IsSet) Notes = edit.Notes.Value;
        MarkEdited(now, visible);
        return true;
    }

    /// <summary>Moves the appointment, keeping everything else. Returns false when the time is unchanged.</summary>
    public bool Reschedule(DateTimeOffset start, DateTimeOffset end, DateTimeOffset now) =>
        Edit(new AppointmentEdit { Start = start, End = end }, now);

    /// <summary>
    /// The status rules: scheduled → completed | cancelled | no_show; completed → no_show, or cancelled when no
    /// session note exists; cancelled → scheduled (restore); no_show → scheduled | completed.
    /// </summary>
    public static string? WhyNot(AppointmentStatus from, AppointmentStatus to, bool hasSessionNote) => (from, to) switch
    {
        _ when from == to => null,
        (AppointmentStatus.Scheduled, _) => null,
        (AppointmentStatus.Completed, AppointmentStatus.NoShow) => null,
        (AppointmentStatus.Completed, AppointmentStatus.Cancelled) when hasSessionNote =>
            "This appointment has a session note, so it cannot be cancelled. Delete or move the note first.",
        (AppointmentStatus.Completed, AppointmentStatus.Cancelled) => null,
        (AppointmentStatus.Completed, AppointmentStatus.Scheduled) =>
            "A completed appointment cannot go back to scheduled. Mark it as a no-show or cancel it instead.",
        (AppointmentStatus.Cancelled, AppointmentStatus.Scheduled) => null,
        (AppointmentStatus.Cancelled, _) => "A cancelled appointment must be restored to scheduled first.",
        (AppointmentStatus.NoShow, AppointmentStatus.Scheduled or AppointmentStatus.Completed) => null,
        (AppointmentStatus.NoShow, _) => "A no-show can only be restored to scheduled or marked completed.",
        _ => "That status change is not allowed.",
    };

    /// <summary>
    /// The rules of <see cref="WhyNot(AppointmentStatus, AppointmentStatus, bool)"/> and, at <paramref name="now"/>, §4's
    /// "completing (or marking no-show) before the appointment has started is refused": a session six days ahead cannot
    /// have taken place (or been missed) yet.
    /// </summary>
    public string? WhyNot(AppointmentStatus to, bool hasSessionNote, DateTimeOffset now) =>
        WhyNot(Status, to, hasSessionNote) ?? (to != Status && ScheduledStart > now ? to switch
        {
            AppointmentStatus.Completed => "This session has not started yet: it can be marked completed once it has started.",
            AppointmentStatus.NoShow => "This session has not started yet: it can be marked a no-show once it has started.",
            _ => null,
        } : null);

    public bool ChangeStatus(AppointmentStatus to, bool hasSessionNote, DateTimeOffset now)
    {
        if (WhyNot(to, hasSessionNote, now) is { } reason) throw new DomainException(reason);
        if (to == Status) return false;
        if (to == AppointmentStatus.Scheduled) TimeSetAt = now;
        Status = to;
        MarkEdited(now, visible: true);
        return true;
    }

    /// <summary>How long after "Complete" its Undo still works (§4 otherwise refuses completed → scheduled).</summary>
    public static readonly TimeSpan CompletionUndoWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Why the toast's Undo cannot take a completion back to <paramref name="back"/> (scheduled or no-show, what it was):
    /// only the completion itself can be undone, shortly after, and only while it is the appointment's last change.
    /// </summary>
    public string? WhyNotUndoCompletion(AppointmentStatus back, DateTimeOffset now) =>
        Status != AppointmentStatus.Completed ? "This appointment is no longer marked completed." :
        back is not (AppointmentStatus.Scheduled or AppointmentStatus.NoShow) ? "That status change is not allowed." :
        EditedAt is not { } last || now - last > CompletionUndoWindow ? "It is too late to undo this: mark it as a no-show or cancel it instead." :
        null;

    public void UndoCompletion(AppointmentStatus back, DateTimeOffset now)
    {
        if (WhyNotUndoCompletion(back, now) is { } reason) throw new DomainException(reason);
        Status = back;
        MarkEdited(now, visible: true);
    }

    /// <summary>Marks a session that took place.</summary>
    public void Complete(DateTimeOffset now) => ChangeStatus(AppointmentStatus.Completed, hasSessionNote: false, now);

    public bool IsDeleted => DeletedAt is not null;

    /// <summary>Soft delete: gone from every list and feed, but "undo" can bring it back.</summary>
    public void Delete(DateTimeOffset now)
    {
        if (DeletedAt is not null) return;
        DeletedAt = now;
        Sequence++;
    }

    public void Undelete(DateTimeOffset now)
    {
        if (DeletedAt is null) return;
        DeletedAt = null;
        TimeSetAt = now;
        MarkEdited(now, visible: true);
    }

    private void MarkEdited(DateTimeOffset now, bool visible)
    {
        EditedAt = now;
        EditCount++;
        if (visible) Sequence++;
    }

    public static void CheckTimes(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start) throw new DomainException("The end must be after the start.");
        if (end - start > MaxLength) throw new DomainException("An appointment lasts at most 24 hours.");
        if (start.Year is < 2000 or > 2100) throw new DomainException("The start date is out of range.");
    }
}
