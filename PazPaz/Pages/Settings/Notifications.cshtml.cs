using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Pages.Shared;

namespace PazPaz.Pages.Settings;

/// <summary>
/// The signed-in user's own e-mail notifications. Each card posts to its own handler: with htmx the card comes back
/// in place saying "Saved" (or, 422, with its field errors and nothing saved); without JavaScript, PRG.
/// </summary>
public sealed class NotificationsModel(PazPazDb db, CurrentUser current) : PageModel
{
    private const string SavedKey = "Notifications.Saved";

    [BindProperty] public NotificationSettingsInput Input { get; set; } = new();
    public string TimeZone { get; private set; } = "";
    /// <summary>The card that was just saved, which says so.</summary>
    public NotificationCard? SavedCard { get; private set; }
    /// <summary>Read out by the page's live region after an in-place save (an out-of-band swap).</summary>
    public string? Announcement { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input.Show(await db.MineAsync(current, cancellationToken));
        TimeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        if (TempData[SavedKey] is string saved && Enum.TryParse<NotificationCard>(saved, out var card)) SavedCard = card;
    }

    public Task<IActionResult> OnPostEmailAsync(CancellationToken ct) => SaveAsync(NotificationCard.Email, null, ct);
    public Task<IActionResult> OnPostDigestAsync(string? preset, CancellationToken ct) => SaveAsync(NotificationCard.Digest, preset, ct);
    public Task<IActionResult> OnPostTomorrowDigestAsync(string? preset, CancellationToken ct) => SaveAsync(NotificationCard.TomorrowDigest, preset, ct);
    public Task<IActionResult> OnPostReminderAsync(CancellationToken ct) => SaveAsync(NotificationCard.Reminder, null, ct);
    public Task<IActionResult> OnPostNotesReminderAsync(CancellationToken ct) => SaveAsync(NotificationCard.NotesReminder, null, ct);
    public Task<IActionResult> OnPostEventsAsync(CancellationToken ct) => SaveAsync(NotificationCard.Events, null, ct);

    public static string Title(NotificationCard card) => card switch
    {
        NotificationCard.Email => "E-mail notifications",
        NotificationCard.Digest => "Today's schedule",
        NotificationCard.TomorrowDigest => "Tomorrow's schedule",
        NotificationCard.Reminder => "Appointment reminders",
        NotificationCard.NotesReminder => "Session-notes reminder",
        _ => "Appointment changes",
    };

    private async Task<IActionResult> SaveAsync(NotificationCard card, string? preset, CancellationToken cancellationToken)
    {
        var settings = await db.MineAsync(current, cancellationToken);
        var change = Input.ChangeFor(card, preset);
        ModelState.AddProblems(UserNotificationSettings.Problems(change));
        if (!ModelState.IsValid)
        {
            Input.Show(settings, keep: card);
            Announcement = $"{Title(card)} not saved: {ModelState.Values.SelectMany(v => v.Errors).First().ErrorMessage}";
            return await CardOrPageAsync(card, cancellationToken);
        }

        settings.Update(change);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Each card writes only its own fields, so saves of different cards never undo each other; the same settings
            // saved at the same moment elsewhere (another tab, the API) win, and the card shows them.
            db.ChangeTracker.Clear();
            Input.Show(await db.MineAsync(current, cancellationToken));
            ModelState.AddModelError("", "These settings were changed elsewhere at the same moment; they are shown as saved there. Make your change again if it is still needed.");
            Announcement = $"{Title(card)} not saved: changed elsewhere at the same moment.";
            return await CardOrPageAsync(card, cancellationToken);
        }
        if (!Request.IsHtmx())
        {
            this.Flash($"{Title(card)}: saved.");
            TempData[SavedKey] = card.ToString();
            return RedirectToPage();
        }
        Input.Show(settings);
        SavedCard = card;
        Announcement = $"{Title(card)} saved.";
        return await CardOrPageAsync(card, cancellationToken);
    }

    /// <summary>htmx gets the one card (422 when refused); a plain post gets the whole page with the errors.</summary>
    private async Task<IActionResult> CardOrPageAsync(NotificationCard card, CancellationToken cancellationToken)
    {
        TimeZone = await db.Workspaces.Select(w => w.TimeZone).SingleAsync(cancellationToken);
        if (!Request.IsHtmx()) return Page();
        var partial = Partial("_NotificationCard", new NotificationCardView(card, this));
        if (!ModelState.IsValid) partial.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return partial;
    }
}

/// <summary>What Settings/_NotificationCard renders: which card, on this page.</summary>
public sealed record NotificationCardView(NotificationCard Card, NotificationsModel Page);
