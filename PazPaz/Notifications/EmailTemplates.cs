using System.Globalization;
using System.Text;
using PazPaz.Domain;
using static System.Net.WebUtility;

namespace PazPaz.Notifications;

/// <summary>An appointment as an e-mail shows it: local times in the practice's zone, the client's full name.</summary>
public sealed record AppointmentLine(Guid Id, DateTime LocalStart, DateTime LocalEnd, string ClientName, string? Service, string? Location,
    AppointmentStatus Status);

/// <summary>
/// The e-mails' words, as plain text and HTML (every value HTML-encoded). Each ends with a link to the notification
/// settings, so a user can turn an e-mail off from the e-mail itself.
/// </summary>
public static class EmailTemplates
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");

    public static EmailMessage Reminder(string to, string baseUrl, string zone, AppointmentLine a, int minutes) => Build(to, baseUrl,
        subject: $"Reminder: {a.ClientName} at {a.LocalStart.ToString("HH:mm", En)}",
        heading: $"{a.ClientName} in {Lead(minutes)}",
        intro: $"Your appointment with {a.ClientName} starts {Day(a.LocalStart)} at {a.LocalStart.ToString("HH:mm", En)} ({zone}).",
        lines: [a], link: (CalendarUrl(baseUrl, a.LocalStart), "Open the calendar"));

    public static EmailMessage Digest(string to, string baseUrl, string zone, DateOnly day, bool tomorrow, IReadOnlyList<AppointmentLine> lines)
    {
        var when = tomorrow ? "Tomorrow" : "Today";
        var date = day.ToString("dddd d MMMM yyyy", En);
        var count = lines.Count switch { 0 => "no appointments", 1 => "1 appointment", var n => $"{n} appointments" };
        return Build(to, baseUrl,
            subject: $"{when}'s schedule: {count} ({day.ToString("ddd d MMM", En)})",
            heading: $"{when}, {date}",
            intro: lines.Count == 0 ? $"You have no appointments {when.ToLowerInvariant()}." : $"You have {count} ({zone}):",
            lines: lines, link: (CalendarUrl(baseUrl, day.ToDateTime(TimeOnly.MinValue)), "Open the day in the calendar"));
    }

    public static EmailMessage NotesReminder(string to, string baseUrl, string zone, DateOnly day, IReadOnlyList<AppointmentLine> lines) => Build(to, baseUrl,
        subject: lines.Count == 1 ? "1 session is waiting for its note" : $"{lines.Count} sessions are waiting for their notes",
        heading: $"Session notes for {day.ToString("dddd d MMMM", En)}",
        intro: $"These appointments ended without a session note ({zone}):",
        lines: lines, link: (CalendarUrl(baseUrl, day.ToDateTime(TimeOnly.MinValue)), "Open the day in the calendar"),
        lineLink: a => (NoteUrl(baseUrl, a.Id), "Write the note"));

    /// <summary>The note page of an appointment: it opens the existing note, or a new one that is created as the therapist types.</summary>
    public static string NoteUrl(string baseUrl, Guid appointmentId) => $"{baseUrl}/appointments/{appointmentId}/note";

    /// <param name="seriesSessions">For a series: how many of its sessions the change reached (the line is the first of them).</param>
    public static EmailMessage AppointmentEvent(string to, string baseUrl, string zone, string kind, AppointmentLine a, bool viaApi, int? seriesSessions = null)
    {
        if (seriesSessions is { } n) return SeriesEvent(to, baseUrl, zone, kind, a, viaApi, n);
        var (verb, subjectVerb) = kind switch
        {
            NotificationKinds.Booked => ("was booked", "Booked"),
            NotificationKinds.Cancelled => ("was cancelled", "Cancelled"),
            NotificationKinds.Rescheduled => ("was moved", "Moved"),
            NotificationKinds.Confirmed => ("took place and was marked completed", "Completed"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an appointment event."),
        };
        var time = $"{Day(a.LocalStart)} at {a.LocalStart.ToString("HH:mm", En)}";
        var by = viaApi ? " through the API" : "";
        return Build(to, baseUrl,
            subject: $"{subjectVerb}: {a.ClientName}, {a.LocalStart.ToString("ddd d MMM HH:mm", En)}",
            heading: $"{a.ClientName}'s appointment {verb}",
            intro: kind == NotificationKinds.Rescheduled
                ? $"{a.ClientName}'s appointment {verb}{by}; it is now {time} ({zone})."
                : $"{a.ClientName}'s appointment on {time} ({zone}) {verb}{by}.",
            lines: [a], link: ($"{baseUrl}/appointments/{a.Id}", "Open the appointment"));
    }

    private static EmailMessage SeriesEvent(string to, string baseUrl, string zone, string kind, AppointmentLine a, bool viaApi, int sessions)
    {
        var (verb, subjectVerb) = kind switch
        {
            NotificationKinds.Booked => ("were booked", "Booked"),
            NotificationKinds.Cancelled => ("were cancelled", "Cancelled"),
            NotificationKinds.Rescheduled => ("were moved", "Moved"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a series event."),
        };
        var count = sessions == 1 ? "1 session" : $"{sessions} sessions";
        var time = $"{Day(a.LocalStart)} at {a.LocalStart.ToString("HH:mm", En)}";
        var by = viaApi ? " through the API" : "";
        return Build(to, baseUrl,
            subject: $"{subjectVerb}: {a.ClientName}, {count} from {a.LocalStart.ToString("ddd d MMM HH:mm", En)}",
            heading: $"{a.ClientName}'s recurring appointments {verb}",
            intro: kind == NotificationKinds.Rescheduled
                ? $"{count} of {a.ClientName}'s recurring appointments {verb}{by}; the first is now {time} ({zone})."
                : $"{count} of {a.ClientName}'s recurring appointments, the first on {time} ({zone}), {verb}{by}.",
            lines: [a], link: ($"{baseUrl}/appointments/{a.Id}", "Open the first appointment"));
    }

    private static EmailMessage Build(string to, string baseUrl, string subject, string heading, string intro,
        IReadOnlyList<AppointmentLine> lines, (string Url, string Label) link, Func<AppointmentLine, (string Url, string Label)>? lineLink = null)
    {
        var settings = $"{baseUrl}/settings/notifications";
        var text = new StringBuilder();
        text.AppendLine(heading).AppendLine().AppendLine(intro);
        if (lines.Count > 0) text.AppendLine();
        foreach (var line in lines)
        {
            text.AppendLine("- " + Describe(line));
            if (lineLink?.Invoke(line) is (var lineUrl, var lineLabel)) text.AppendLine($"  {lineLabel}: {lineUrl}");
        }
        text.AppendLine().AppendLine($"{link.Label}: {link.Url}")
            .AppendLine().AppendLine($"You get this e-mail because of your notification settings: {settings}");

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2937\">")
            .Append($"<h1 style=\"font-size:18px\">{HtmlEncode(heading)}</h1><p>{HtmlEncode(intro)}</p>");
        if (lines.Count > 0)
        {
            html.Append("<ul>");
            foreach (var line in lines)
            {
                html.Append($"<li>{HtmlEncode(Describe(line))}");
                if (lineLink?.Invoke(line) is (var lineUrl, var lineLabel)) html.Append($" — <a href=\"{HtmlEncode(lineUrl)}\">{HtmlEncode(lineLabel)}</a>");
                html.Append("</li>");
            }
            html.Append("</ul>");
        }
        html.Append($"<p><a href=\"{HtmlEncode(link.Url)}\">{HtmlEncode(link.Label)}</a></p>")
            .Append($"<p style=\"font-size:12px;color:#6b7280\">You get this e-mail because of your <a href=\"{HtmlEncode(settings)}\">notification settings</a>.</p>")
            .Append("</body></html>");
        return new EmailMessage(to, subject, text.ToString(), html.ToString());
    }

    private static string Describe(AppointmentLine a)
    {
        var parts = new List<string> { $"{a.LocalStart.ToString("HH:mm", En)}–{a.LocalEnd.ToString("HH:mm", En)} {a.ClientName}" };
        if (a.Service is { Length: > 0 } service) parts.Add(service);
        if (a.Location is { Length: > 0 } location) parts.Add(location);
        if (a.Status != AppointmentStatus.Scheduled) parts.Add(a.Status switch
        {
            AppointmentStatus.Completed => "completed",
            AppointmentStatus.Cancelled => "cancelled",
            AppointmentStatus.NoShow => "no-show",
            _ => "",
        });
        return string.Join(" · ", parts);
    }

    private static string Day(DateTime local) => local.ToString("dddd d MMMM", En);

    private static string Lead(int minutes) => minutes switch
    {
        1440 => "24 hours",
        >= 60 when minutes % 60 == 0 => minutes == 60 ? "1 hour" : $"{minutes / 60} hours",
        _ => $"{minutes} minutes",
    };

    private static string CalendarUrl(string baseUrl, DateTime localDay) =>
        $"{baseUrl}/calendar?view=day&date={localDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
