using AngleSharp.Dom;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Calendar;

/// <summary>Appointments written straight to the database, and the calendar's browser-side helpers (htmx header, antiforgery token).</summary>
public static class CalendarData
{
    public static Task<Appointment> AppointmentAsync(this PazPazApp app, Guid workspaceId, Guid clientId, DateTimeOffset start, int minutes = 60,
        AppointmentStatus status = AppointmentStatus.Scheduled, Guid? serviceId = null) =>
        app.WithDbAsync(async db =>
        {
            var appointment = Appointment.Create(workspaceId, clientId, start, start.AddMinutes(minutes), LocationType.Clinic, serviceId);
            // A seeded status was set as it would have been: completed or missed once the session was over, whatever the test clock says.
            var end = start.AddMinutes(minutes);
            if (status != AppointmentStatus.Scheduled) appointment.ChangeStatus(status, hasSessionNote: false, app.Clock.GetUtcNow() > end ? app.Clock.GetUtcNow() : end);
            db.Add(appointment);
            await db.SaveChangesAsync();
            return appointment;
        });

    /// <summary>Requests as htmx makes them, so handlers answer with their partials.</summary>
    public static HttpClient AsHtmx(this HttpClient client)
    {
        client.DefaultRequestHeaders.Remove("HX-Request");
        client.DefaultRequestHeaders.Add("HX-Request", "true");
        return client;
    }

    /// <summary>The antiforgery token the calendar page carries for drag and drop (forms carry their own).</summary>
    public static async Task<string> CalendarTokenAsync(this HttpClient client)
    {
        var page = await client.GetPageAsync("/calendar");
        return page.QuerySelector("#calendar-token input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException("The calendar has no antiforgery token.");
    }

    /// <summary>POSTs fields the way calendar.js does, with the token.</summary>
    public static async Task<HttpResponseMessage> PostFieldsAsync(this HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var token = await client.CalendarTokenAsync();
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    public static string Text(this IElement? element) => element?.TextContent.Trim() ?? "";

    public static IEnumerable<string> HxTriggers(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("HX-Trigger", out var values) ? values : [];
}
