using System.Buffers;
using System.Globalization;
using System.Text;
using PazPaz.Domain;

namespace PazPaz.Calendar;

/// <summary>One appointment as the feed reads it: the row plus the names its title and location may show.</summary>
public sealed record FeedAppointment(
    Guid Id,
    DateTimeOffset Start,
    DateTimeOffset End,
    AppointmentStatus Status,
    int Sequence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string ClientFirstName,
    string ClientLastName,
    bool HideClientName,
    string? ServiceName,
    LocationType LocationType,
    string? LocationName,
    string? LocationAddress,
    string? LocationDetails,
    string? AppointmentLocationDetails);

/// <summary>Time off as a feed reads it: times only, no label (it shows as "Busy").</summary>
public sealed record FeedBusy(Guid Id, DateTimeOffset Start, DateTimeOffset End, int Sequence, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a feed (or an export) shows, whatever the source of the appointments.</summary>
public sealed record FeedOptions(
    string CalendarName,
    string TimeZone,
    FeedPrivacyPreset PrivacyPreset,
    bool ShowPrivateLocations,
    bool KeepCancelledUntilStart,
    int SequenceOffset,
    string AppBaseUrl);

/// <summary>One event exactly as subscribers see it; the settings page previews these.</summary>
public sealed record FeedEvent(string Uid, string Summary, string Location, DateTimeOffset Start, DateTimeOffset End,
    string Status, string PazPazStatus, int Sequence, DateTimeOffset Created, DateTimeOffset LastModified, string Description);

/// <summary>
/// Appointments → RFC 5545 text, pure and byte-stable: the same rows give the same bytes (DTSTAMP is the row's
/// updated_at, not "now"), so ETags and calendar apps' change detection hold. Written by hand rather than with
/// Ical.Net's serializer, which took ~40 ms for 1,000 events on this machine (the feed's whole budget is 50 ms); the
/// tests parse the output back with Ical.Net and with python3-icalendar.
/// </summary>
public static class FeedWriter
{
    public const string ProductId = "-//PazPaz//Calendar//EN";
    private const int MaxLineOctets = 75;
    private static readonly SearchValues<char> PlainAscii =
        SearchValues.Create(Enumerable.Range(' ', 0x7f - ' ').Select(c => (char)c).Where(c => c is not ('\\' or ';' or ',')).ToArray());

    /// <summary>The events the feed holds at <paramref name="now"/>: cancelled ones until they start (if the feed keeps them), in start order,
    /// with time off (<paramref name="busy"/>) among them as "Busy".</summary>
    public static List<FeedEvent> Events(FeedOptions options, IEnumerable<FeedAppointment> appointments, DateTimeOffset now,
        IEnumerable<FeedBusy>? busy = null) =>
        appointments
            .Where(a => a.Status != AppointmentStatus.Cancelled || (options.KeepCancelledUntilStart && a.Start > now))
            .Select(a => (a.Start, a.Id, Event: ToEvent(options, a)))
            .Concat((busy ?? []).Select(b => (b.Start, b.Id, Event: ToEvent(options, b))))
            .OrderBy(e => e.Start).ThenBy(e => e.Id)
            .Select(e => e.Event)
            .ToList();

    /// <summary>
    /// Time off as subscribers see it: "Busy", opaque, private, and nothing else — no label, description or location (its
    /// own UID, so it never collides with an appointment's).
    /// </summary>
    public static FeedEvent ToEvent(FeedOptions options, FeedBusy b) => new(
        Uid: $"time-off-{b.Id:D}@pazpaz",
        Summary: BusySummary,
        Location: "",
        Start: b.Start.ToUniversalTime(),
        End: b.End.ToUniversalTime(),
        Status: "CONFIRMED",
        PazPazStatus: "",
        Sequence: b.Sequence + options.SequenceOffset,
        Created: b.CreatedAt,
        LastModified: b.UpdatedAt,
        Description: "");

    public const string BusySummary = "Busy";

    public static FeedEvent ToEvent(FeedOptions options, FeedAppointment a)
    {
        var cancelled = a.Status == AppointmentStatus.Cancelled;
        var title = Title(options.PrivacyPreset, a);
        return new FeedEvent(
            Uid: $"{a.Id:D}@pazpaz",
            Summary: cancelled ? $"Cancelled: {title}" : title,
            Location: Location(options.ShowPrivateLocations, a),
            Start: a.Start.ToUniversalTime(),
            End: a.End.ToUniversalTime(),
            Status: cancelled ? "CANCELLED" : "CONFIRMED",
            PazPazStatus: StatusName(a.Status),
            Sequence: a.Sequence + options.SequenceOffset,
            Created: a.CreatedAt,
            LastModified: a.UpdatedAt,
            Description: $"{options.AppBaseUrl.TrimEnd('/')}/appointments/{a.Id:D}");
    }

    /// <summary>The event title under a preset; a client who asked never to be named outside PazPaz is always "Session".</summary>
    public static string Title(FeedPrivacyPreset preset, FeedAppointment a)
    {
        if (a.HideClientName) return "Session";
        return preset switch
        {
            FeedPrivacyPreset.ServiceName => string.IsNullOrWhiteSpace(a.ServiceName) ? "Session" : a.ServiceName,
            FeedPrivacyPreset.ClientInitials => Client.InitialsOf(a.ClientFirstName, a.ClientLastName),
            FeedPrivacyPreset.ClientFirstName => a.ClientFirstName,
            FeedPrivacyPreset.ClientFullName => $"{a.ClientFirstName} {a.ClientLastName}",
            _ => "Session",
        };
    }

    /// <summary>
    /// Clinics show their name; online sessions and home visits show a label, and their video link or address only
    /// when the therapist opted in (a home address is the client's, a video link lets anyone join).
    /// </summary>
    public static string Location(bool showPrivate, FeedAppointment a) => a.LocationType switch
    {
        LocationType.Home when showPrivate && FirstText(a.AppointmentLocationDetails, a.LocationAddress) is { } address => $"Home visit: {address}",
        LocationType.Home => "Home visit",
        LocationType.Online when showPrivate && FirstText(a.AppointmentLocationDetails, a.LocationDetails) is { } link => $"Online: {link}",
        LocationType.Online => "Online",
        _ => FirstText(a.LocationName) ?? "Clinic",
    };

    public static string StatusName(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Scheduled => "scheduled",
        AppointmentStatus.Completed => "completed",
        AppointmentStatus.Cancelled => "cancelled",
        _ => "no_show",
    };

    public static string Write(FeedOptions options, IEnumerable<FeedAppointment> appointments, DateTimeOffset now) =>
        Write(options, Events(options, appointments, now));

    public static string Write(FeedOptions options, IReadOnlyList<FeedEvent> events)
    {
        var bytes = new ArrayBufferWriter<byte>(EstimatedSize(events.Count));
        Write(options, events, bytes);
        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    /// <summary>About the UTF-8 size of a calendar of <paramref name="eventCount"/> events (long titles), so the buffer rarely grows.</summary>
    public static int EstimatedSize(int eventCount) => 1024 + eventCount * 480;

    /// <summary>
    /// The same text as UTF-8, written straight into <paramref name="output"/>: no string, no StringBuilder, no per-field
    /// copies (the feed's 1,000 events are ~420 kB, and building them as text then encoding cost more than the queries).
    /// </summary>
    public static void Write(FeedOptions options, IReadOnlyList<FeedEvent> events, IBufferWriter<byte> output)
    {
        Span<char> number = stackalloc char[16];
        Line(output, "BEGIN", "VCALENDAR", escape: false);
        Line(output, "VERSION", "2.0", escape: false);
        Line(output, "PRODID", ProductId, escape: false);
        Line(output, "CALSCALE", "GREGORIAN", escape: false);
        Line(output, "NAME", options.CalendarName);
        Line(output, "X-WR-CALNAME", options.CalendarName);
        Line(output, "X-WR-TIMEZONE", options.TimeZone);
        Line(output, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H", escape: false);
        Line(output, "X-PUBLISHED-TTL", "PT1H", escape: false);
        foreach (var e in events)
        {
            Line(output, "BEGIN", "VEVENT", escape: false);
            Line(output, "UID", e.Uid);
            e.Sequence.TryFormat(number, out var digits, default, CultureInfo.InvariantCulture);
            Line(output, "SEQUENCE", number[..digits], escape: false);
            Line(output, "DTSTAMP", Utc(e.LastModified, number), escape: false);
            Line(output, "CREATED", Utc(e.Created, number), escape: false);
            Line(output, "LAST-MODIFIED", Utc(e.LastModified, number), escape: false);
            Line(output, "DTSTART", Utc(e.Start, number), escape: false);
            Line(output, "DTEND", Utc(e.End, number), escape: false);
            Line(output, "SUMMARY", e.Summary);
            if (e.Location.Length > 0) Line(output, "LOCATION", e.Location);
            if (e.Description.Length > 0) Line(output, "DESCRIPTION", e.Description);
            Line(output, "STATUS", e.Status, escape: false);
            Line(output, "CLASS", "PRIVATE", escape: false);
            Line(output, "TRANSP", e.Status == "CANCELLED" ? "TRANSPARENT" : "OPAQUE", escape: false);
            if (e.PazPazStatus.Length > 0) Line(output, "X-PAZPAZ-STATUS", e.PazPazStatus, escape: false);
            Line(output, "END", "VEVENT", escape: false);
        }
        Line(output, "END", "VCALENDAR", escape: false);
    }

    /// <summary>A UTC DATE-TIME ("20260310T090000Z"); seconds kept, fractions dropped.</summary>
    public static string Utc(DateTimeOffset instant) => new(Utc(instant, stackalloc char[16]));

    private static ReadOnlySpan<char> Utc(DateTimeOffset instant, Span<char> text)
    {
        var t = instant.UtcDateTime;
        Digits(text[..4], t.Year);
        Digits(text[4..6], t.Month);
        Digits(text[6..8], t.Day);
        text[8] = 'T';
        Digits(text[9..11], t.Hour);
        Digits(text[11..13], t.Minute);
        Digits(text[13..15], t.Second);
        text[15] = 'Z';
        return text;
    }

    private static void Digits(Span<char> text, int value)
    {
        for (var i = text.Length - 1; i >= 0; i--, value /= 10) text[i] = (char)('0' + value % 10);
    }

    /// <summary>RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines escaped; other control characters dropped.</summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '\\': text.Append("\\\\"); break;
                case ';': text.Append("\\;"); break;
                case ',': text.Append("\\,"); break;
                case '\r' when i + 1 < value.Length && value[i + 1] == '\n': break;
                case '\r' or '\n': text.Append("\\n"); break;
                case '\t': text.Append(ch); break;
                case < ' ' or '\u007f': break;
                default: text.Append(ch); break;
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// One content line, escaped as TEXT unless told otherwise, folded (RFC 5545 §3.1): at most 75 octets of UTF-8 per
    /// line before CRLF, continuation lines start with a space, and a character (a surrogate pair included) is never
    /// split across lines; escapes are folded like any other characters, as the text they stand for.
    /// </summary>
    private static void Line(IBufferWriter<byte> output, string name, ReadOnlySpan<char> value, bool escape = true)
    {
        // At most 3 octets per char (4 per surrogate pair), plus a 3-octet fold per 74 octets: 4 per char is enough.
        var span = output.GetSpan(name.Length + 8 + value.Length * 4);
        var at = Encoding.ASCII.GetBytes(name, span);
        span[at++] = (byte)':';
        var octets = at;
        for (var i = 0; i < value.Length; i++)
        {
            // Most of a calendar is printable ASCII that needs no escape: copied in runs, folded every 75 octets.
            var run = value[i..].IndexOfAnyExcept(PlainAscii);
            if (run < 0) run = value.Length - i;
            while (run > 0)
            {
                if (octets >= MaxLineOctets) Fold(span, ref at, ref octets);
                var n = Math.Min(run, MaxLineOctets - octets);
                System.Text.Ascii.FromUtf16(value.Slice(i, n), span[at..], out _);
                at += n;
                octets += n;
                i += n;
                run -= n;
            }
            if (i == value.Length) break;
            var ch = value[i];
            if (escape)
            {
                switch (ch)
                {
                    case '\\' or ';' or ',': Ascii(span, ref at, ref octets, '\\'); break;
                    case '\r' when i + 1 < value.Length && value[i + 1] == '\n': continue;
                    case '\r' or '\n': Ascii(span, ref at, ref octets, '\\'); ch = 'n'; break;
                    case '\t': break;
                    case < ' ' or '\u007f': continue;
                }
            }
            if (ch < 0x80)
            {
                Ascii(span, ref at, ref octets, ch);
                continue;
            }
            var width = char.IsHighSurrogate(ch) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var size = width == 2 ? 4 : ch < 0x800 ? 2 : 3;
            if (octets + size > MaxLineOctets) Fold(span, ref at, ref octets);
            at += Encoding.UTF8.GetBytes(value.Slice(i, width), span[at..]); // a lone surrogate becomes U+FFFD, 3 octets
            octets += size;
            i += width - 1;
        }
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        output.Advance(at);
    }

    private static void Ascii(Span<byte> span, ref int at, ref int octets, char ch)
    {
        if (octets + 1 > MaxLineOctets) Fold(span, ref at, ref octets);
        span[at++] = (byte)ch;
        octets++;
    }

    private static void Fold(Span<byte> span, ref int at, ref int octets)
    {
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        span[at++] = (byte)' ';
        octets = 1;
    }

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
