using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.Appointments;

public sealed record SubmitButtonView(bool Overlaps, bool IsNew, bool OutOfBand = false);

public sealed record ConflictsView(List<ConflictingAppointment> Conflicts, PracticeZone Zone, string Slot, bool IsNew, bool OutOfBand = false,
    string? Overnight = null);

public sealed record ClientPickerView(Guid? ClientId, string? ClientName, string? Error = null, string? QuickAddError = null,
    string? FirstName = null, string? LastName = null);

/// <summary>One undo the toast offers: the form posts <see cref="Action"/> (move, restore or undelete) back to /appointments/{id}/undo.</summary>
public sealed record UndoView(Guid AppointmentId, string Action, DateTimeOffset? Start = null, DateTimeOffset? End = null, bool AllowConflict = false,
    string Label = "Undo", string? Was = null);

public sealed record ToastView(string Message, UndoView? Undo = null, bool IsError = false, ToastLink? Link = null);

/// <summary>A plain link in the toast, e.g. "Show" for the week of a booking.</summary>
public sealed record ToastLink(string Label, string Url);
