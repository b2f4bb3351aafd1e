using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Calendar;
using PazPaz.Scheduling;

namespace PazPaz.Pages.TimeOffEntries;

/// <summary>
/// One time off entry: change its label and time, or delete it — for a repeating one, this one, this and following, or
/// all (the scope chosen in the form applies to either button).
/// </summary>
public sealed class EditModel(PazPazDb db, Booking booking) : TimeOffFormModel(db)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken, fill: true)) return NotFound();
        return Form(StatusCodes.Status200OK);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken, fill: false)) return NotFound();
        var span = ReadSpan();
        if (!ModelState.IsValid || span is null) return Form(StatusCodes.Status422UnprocessableEntity);
        return await RespondAsync(await booking.ChangeTimeOffAsync(id, Input.Label, span, Input.Scope, Input.AllowConflict, cancellationToken), cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken, fill: false)) return NotFound();
        return await RespondAsync(await booking.DeleteTimeOffAsync(id, Input.Scope, cancellationToken), cancellationToken);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken, bool fill)
    {
        var entry = await Db.TimeOff.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (entry is null) return false;
        Id = id;
        Zone = await PracticeZone.LoadAsync(Db, cancellationToken);
        if (entry.SeriesId is { } seriesId)
            Repeats = (await Db.TimeOffSeries.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seriesId, cancellationToken))?.Rule.Describe();
        if (!fill) return true;
        var (first, last) = entry.LocalDates(Zone.Zone);
        Input = new TimeOffInput
        {
            Label = entry.Label, AllDay = entry.AllDay, Date = first, EndDate = last,
            StartTime = TimeOnly.FromDateTime(Zone.ToLocal(entry.StartsAt)), EndTime = TimeOnly.FromDateTime(Zone.ToLocal(entry.EndsAt)),
        };
        return true;
    }
}
