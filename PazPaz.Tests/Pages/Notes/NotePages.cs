using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Notes;

/// <summary>Notes written straight to the database, and the note form as a browser (or notes.js) submits it.</summary>
public static class NotePages
{
    /// <summary>The practice's date today (Europe/London unless the practice says otherwise).</summary>
    public static DateOnly Today(this PazPazApp app, string zone = "Europe/London") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), TimeZones.Find(zone)).DateTime);

    /// <summary>
    /// Moves the (forward-only) fake clock to the next 12:00 in London, so that "two hours ago" and "in an hour" fall on
    /// today and in this week whatever hour earlier tests left the clock at.
    /// </summary>
    public static void AdvanceToNoon(this PazPazApp app)
    {
        var zone = TimeZones.Find("Europe/London");
        var local = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), zone).DateTime;
        var noon = local.Date.AddHours(12);
        if (noon <= local) noon = noon.AddDays(1);
        app.Clock.SetUtcNow(TimeZones.ToUtc(noon, zone));
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A draft (optionally finalized, then amended with <paramref name="amendments"/>) of a client's session.</summary>
    public static Task<SessionNote> NoteAsync(this PazPazApp app, Seed.Practice practice, Guid clientId, Guid? appointmentId = null,
        string? assessment = "Lower back pain improving", DateOnly? date = null, bool finalize = false, params string[] amendments) =>
        app.WithDbAsync(async db =>
        {
            var today = app.Today(practice.Workspace.TimeZone);
            var content = new SessionNoteContent("Feels better", "Full range of motion", assessment, "Twice a week", date ?? today, 50);
            var note = SessionNote.Create(practice.Workspace.Id, clientId, content, today, appointmentId, practice.Owner.Id);
            if (finalize) note.Finalize(app.Clock.GetUtcNow(), practice.Owner.Id);
            foreach (var amended in amendments) note.Amend(content with { Assessment = amended }, today, app.Clock.GetUtcNow(), practice.Owner.Id);
            db.Add(note);
            await db.SaveChangesAsync();
            return note;
        });

    public static Task<SessionNote> StoredNoteAsync(this PazPazApp app, Guid id) =>
        app.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().Include(n => n.Versions).SingleAsync(n => n.Id == id));

    public static Task<List<SessionNote>> StoredNotesAsync(this PazPazApp app) =>
        app.WithDbAsync(db => db.SessionNotes.IgnoreQueryFilters().ToListAsync());

    /// <summary>What notes.js sends ~1 s after typing stops: the form's fields to its data-autosave-url, as an htmx-style request.</summary>
    public static async Task<HttpResponseMessage> AutosaveAsync(this HttpClient browser, IDocument page, params (string Name, string Value)[] values)
    {
        var form = NoteForm(page);
        form.SetAttribute("action", form.GetAttribute("data-autosave-url")!);
        browser.DefaultRequestHeaders.Remove("HX-Request");
        browser.DefaultRequestHeaders.Add("HX-Request", "true");
        try
        {
            return await browser.SubmitAsync(page, "#note-form", values.ToDictionary(v => v.Name, v => v.Value));
        }
        finally
        {
            browser.DefaultRequestHeaders.Remove("HX-Request");
        }
    }

    /// <summary>The "Finalize note" button: the same form, posted to its formaction.</summary>
    public static Task<HttpResponseMessage> FinalizeAsync(this HttpClient browser, IDocument page, params (string Name, string Value)[] values)
    {
        var form = NoteForm(page);
        var button = page.QuerySelector<IHtmlButtonElement>("#note-form button[data-handler=Finalize]")!;
        form.SetAttribute("action", button.GetAttribute("formaction")!);
        return browser.SubmitAsync(page, "#note-form", values.ToDictionary(v => v.Name, v => v.Value));
    }

    public static IHtmlFormElement NoteForm(IDocument page) =>
        page.QuerySelector<IHtmlFormElement>("#note-form") ?? throw new InvalidOperationException("The page has no note form.");

    /// <summary>An antiforgery token from any page of the signed-in browser, for posts made without a form.</summary>
    public static async Task<string> TokenAsync(this HttpClient browser, string page) =>
        (await browser.GetPageAsync(page)).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new InvalidOperationException($"No antiforgery token on {page}.");

    public static Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient browser, string url, string token, params (string Name, string Value)[] fields) =>
        browser.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", token))));
}
