using Microsoft.AspNetCore.Mvc;
using PazPaz.Data;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;
using PazPaz.Auth;
using PazPaz.Domain;

namespace PazPaz.Pages.Appointments;

/// <summary>
/// GET: the empty form, starting at <c>start</c> (a clicked slot, "2026-03-10T10:15") or on <c>date</c>.
/// POST: books through <see cref="Booking"/>; an overlap comes back as a warning with "Book anyway".
/// </summary>
public sealed class NewModel(PazPazDb db, Booking booking, ConflictChecker checker, TimeProvider clock, CurrentUser current) : AppointmentFormModel(db)
{
    /// <summary>The signed-in user's working week: the default time is when their day's work begins.</summary>
    private WorkingWeek Week { get; set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? start, string? date, CancellationToken cancellationToken)
    {
        (Zone, Week) = await PracticeZone.LoadWithWeekAsync(Db, current.UserId, cancellationToken);
        var from = Zone.Existing(PracticeZone.TryParseLocal(start, out var slot) ? slot : DefaultStart(date));
        Input.SetTimes(from, Zone.HourAfter(from));
        Input.Weekdays = [AppointmentInput.DayNames[(int)from.DayOfWeek]]; // "Repeat" opens with the booked day ticked
        await FindConflictsAsync(checker, cancellationToken);
        return await FormAsync(StatusCodes.Status200OK, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(AppointmentInput input, CancellationToken cancellationToken)
    {
        Input = input;
        Zone = await PracticeZone.LoadAsync(Db, cancellationToken);
        await LoadOptionsAsync(cancellationToken);
        if (Validate(clock.GetUtcNow()) is not { } times) return await FormAsync(StatusCodes.Status422UnprocessableEntity, cancellationToken);

        var (type, details) = LocationOf(input);
        if (input.Repeat)
        {
            if (input.ReadRepeat(ModelState) is not { } repeat) return await FormAsync(StatusCodes.Status422UnprocessableEntity, cancellationToken);
            var first = new NewAppointment(input.ClientId!.Value, times.Start, times.End, input.ServiceId, input.LocationId, type, details,
                AppointmentInput.Clean(input.Notes));
            return await RespondAsync(await booking.BookSeriesAsync(new NewSeries(first, repeat.Interval, repeat.Days, repeat.Until, repeat.Count),
                repeat.Skip, input.SeriesConflictConfirmed, cancellationToken), cancellationToken);
        }
        var result = await booking.BookAsync(new NewAppointment(input.ClientId!.Value, times.Start, times.End, input.ServiceId, input.LocationId,
            type, details, AppointmentInput.Clean(input.Notes)), input.ConflictConfirmed, cancellationToken);
        return await RespondAsync(result, cancellationToken);
    }

    /// <summary>
    /// Today: the next quarter hour, or tomorrow's start of working hours once no hour is left before midnight (never a time
    /// already gone); another day: the start of working hours.
    /// </summary>
    private DateTime DefaultStart(string? date)
    {
        var today = Zone.Today(clock);
        var day = DateOnly.TryParseExact(date, "yyyy-MM-dd", out var d) && d.Year is >= 2000 and <= 2100 ? d : today;
        if (day != today) return day.ToDateTime(Week.StartOn(day));
        var now = Zone.ToLocal(clock.GetUtcNow());
        var next = now.Date.AddMinutes(Math.Ceiling(now.TimeOfDay.TotalMinutes / 15) * 15);
        return next.Date == now.Date && next.Hour < 23 ? next : today.AddDays(1).ToDateTime(Week.StartOn(today.AddDays(1)));
    }
}
