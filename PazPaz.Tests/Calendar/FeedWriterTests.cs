using System.Diagnostics;
using System.Text;
using PazPaz.Calendar;
using PazPaz.Domain;

namespace PazPaz.Tests.Calendar;

/// <summary>The writer on its own: golden files for the journeys the spec names, folding, escaping, and two independent parsers.</summary>
public sealed class FeedWriterTests
{
    private static readonly DateTimeOffset Booked = new(2026, 3, 1, 8, 30, 0, TimeSpan.Zero);
    private static readonly Guid WorkspaceId = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    private static readonly Guid AppointmentId = Guid.Parse("0193a000-0000-7000-8000-0000000000a1");

    private static FeedOptions Options(FeedPrivacyPreset preset = FeedPrivacyPreset.Session, int sequenceOffset = 0, bool showPrivate = false,
        bool keepCancelled = true, string zone = "Europe/London") =>
        new("PazPaz – Dana Levi", zone, preset, showPrivate, keepCancelled, sequenceOffset, "https://pazpaz.example.com");

    /// <summary>A feed row from a real appointment, so SEQUENCE comes from the entity's own rules.</summary>
    private static FeedAppointment Row(Appointment a, DateTimeOffset updated, Guid? id = null, string first = "Noa", string last = "Cohen",
        bool hide = false, string? service = "Sports massage", string? locationName = "Harbour Clinic", string? address = null, string? details = null) =>
        new(id ?? AppointmentId, a.ScheduledStart, a.ScheduledEnd, a.Status, a.Sequence, Booked, updated, first, last, hide, service,
            a.LocationType, locationName, address, details, a.LocationDetails);

    private static Appointment Booking(DateTimeOffset start, LocationType type = LocationType.Clinic, string? details = null) =>
        Appointment.Create(WorkspaceId, Guid.NewGuid(), start, start.AddMinutes(60), type, locationDetails: details);

    [Fact]
    public void A_booking_then_a_reschedule_then_a_cancellation_keep_one_uid_and_raise_the_sequence_until_the_event_leaves_after_its_start()
    {
        var start = new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero);
        var appointment = Booking(start);
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var created = FeedWriter.Write(Options(), [Row(appointment, Booked)], now);
        Golden.Assert("lifecycle-1-booked.ics", created);

        appointment.Reschedule(start.AddHours(2), start.AddHours(3), now);
        var moved = FeedWriter.Write(Options(), [Row(appointment, now)], now);
        Golden.Assert("lifecycle-2-rescheduled.ics", moved);

        appointment.ChangeStatus(AppointmentStatus.Cancelled, hasSessionNote: false, now.AddHours(1));
        var cancelled = FeedWriter.Write(Options(), [Row(appointment, now.AddHours(1))], now.AddHours(1));
        Golden.Assert("lifecycle-3-cancelled.ics", cancelled);

        var afterStart = FeedWriter.Write(Options(), [Row(appointment, now.AddHours(1))], start.AddHours(2).AddMinutes(1));
        Golden.Assert("lifecycle-4-after-start.ics", afterStart);

        Assert.Equal([0, 1, 2], new[] { created, moved, cancelled }.Select(text => Parsed.Events(text).Single().Sequence));
        Assert.Single(new[] { created, moved, cancelled }.Select(text => Parsed.Events(text).Single().Uid).Distinct());
        Assert.Equal("CANCELLED", Parsed.Events(cancelled).Single().Status);
        Assert.Empty(Parsed.Events(afterStart));
    }

    [Fact]
    public void A_week_across_the_clocks_going_forward_in_London_keeps_nine_oclock_local_in_utc()
    {
        var zone = TimeZones.Find("Europe/London");
        // British Summer Time starts on Sunday 29 March 2026 at 01:00 UTC.
        var rows = Enumerable.Range(0, 7).Select(day =>
        {
            var local = new DateTime(2026, 3, 26, 9, 0, 0).AddDays(day);
            var start = TimeZones.ToUtc(local, zone);
            return Row(Booking(start), Booked, id: Guid.Parse($"0193a000-0000-7000-8000-0000000001{day:D2}"));
        }).ToList();

        var text = FeedWriter.Write(Options(), rows, new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero));

        Golden.Assert("dst-week-europe-london.ics", text);
        var starts = Parsed.Events(text).Select(e => e.Start).ToList();
        Assert.Equal(["20260326T090000Z", "20260327T090000Z", "20260328T090000Z", "20260329T080000Z", "20260330T080000Z",
            "20260331T080000Z", "20260401T080000Z"], starts);
        Assert.Contains("X-WR-TIMEZONE:Europe/London\r\n", text);
    }

    [Fact]
    public void Changing_the_privacy_preset_raises_every_events_sequence_and_changes_only_the_titles()
    {
        var feed = CalendarFeed.Create(WorkspaceId, Guid.NewGuid(), new FeedSettings("PazPaz – Dana Levi"), "hash");
        var appointment = Booking(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero));
        var rows = new[] { Row(appointment, Booked) };
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        FeedOptions OptionsOf(CalendarFeed f) => Options(f.PrivacyPreset, f.SequenceOffset, f.ShowPrivateLocations);

        var before = FeedWriter.Write(OptionsOf(feed), rows, now);
        Assert.True(feed.ChangeSettings(feed.Settings() with { PrivacyPreset = FeedPrivacyPreset.ClientInitials }));
        var after = FeedWriter.Write(OptionsOf(feed), rows, now);

        Golden.Assert("preset-before-session.ics", before);
        Golden.Assert("preset-after-initials.ics", after);
        Assert.Equal(("Session", 0), (Parsed.Events(before).Single().Summary, Parsed.Events(before).Single().Sequence));
        Assert.Equal(("N.C.", 1), (Parsed.Events(after).Single().Summary, Parsed.Events(after).Single().Sequence));
        Assert.False(feed.ChangeSettings(feed.Settings()));
        Assert.Equal(1, feed.SequenceOffset);
        Assert.True(feed.ChangeSettings(feed.Settings() with { WindowDaysAhead = 30 }));
        Assert.Equal(1, feed.SequenceOffset);
        Assert.True(feed.ChangeSettings(feed.Settings() with { ShowPrivateLocations = true }));
        Assert.Equal(2, feed.SequenceOffset);
    }

    [Theory]
    [InlineData(FeedPrivacyPreset.Session, false, "Session")]
    [InlineData(FeedPrivacyPreset.ServiceName, false, "Sports massage")]
    [InlineData(FeedPrivacyPreset.ClientInitials, false, "N.C.")]
    [InlineData(FeedPrivacyPreset.ClientFirstName, false, "Noa")]
    [InlineData(FeedPrivacyPreset.ClientFullName, false, "Noa Cohen")]
    [InlineData(FeedPrivacyPreset.ClientFullName, true, "Session")]
    [InlineData(FeedPrivacyPreset.ServiceName, true, "Session")]
    public void Titles_follow_the_preset_unless_the_client_asked_never_to_be_named_outside_PazPaz(FeedPrivacyPreset preset, bool hide, string title)
    {
        var row = Row(Booking(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero)), Booked, hide: hide);
        Assert.Equal(title, Parsed.Events(FeedWriter.Write(Options(preset), [row], Booked)).Single().Summary);
    }

    [Fact]
    public void Home_addresses_and_video_links_appear_only_when_the_therapist_opted_in()
    {
        var start = new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero);
        var home = Row(Booking(start, LocationType.Home, details: "12 Rose Lane, Bristol"), Booked, locationName: "Noa's home");
        var online = Row(Booking(start, LocationType.Online), Booked, locationName: "Video", details: "https://meet.example.com/abc");
        var clinic = Row(Booking(start), Booked, address: "1 Quay St");

        Assert.Equal(["Home visit", "Online", "Harbour Clinic"], new[] { home, online, clinic }.Select(r => FeedWriter.Location(false, r)));
        Assert.Equal(["Home visit: 12 Rose Lane, Bristol", "Online: https://meet.example.com/abc", "Harbour Clinic"],
            new[] { home, online, clinic }.Select(r => FeedWriter.Location(true, r)));
    }

    [Fact]
    public void Cancelled_appointments_leave_at_once_when_the_feed_does_not_keep_them_and_no_shows_stay_confirmed()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var cancelled = Booking(now.AddDays(1));
        cancelled.ChangeStatus(AppointmentStatus.Cancelled, false, now);
        var noShow = Booking(now.AddDays(-1));
        noShow.ChangeStatus(AppointmentStatus.NoShow, false, now);
        var rows = new[] { Row(cancelled, now, id: Guid.NewGuid()), Row(noShow, now, id: Guid.NewGuid()) };

        var kept = Parsed.Events(FeedWriter.Write(Options(keepCancelled: true), rows, now));
        var dropped = Parsed.Events(FeedWriter.Write(Options(keepCancelled: false), rows, now));

        Assert.Equal(["CONFIRMED", "CANCELLED"], kept.Select(e => e.Status));
        Assert.Equal("Cancelled: Session", kept[1].Summary);
        Assert.Equal(["CONFIRMED"], dropped.Select(e => e.Status));
        var text = FeedWriter.Write(Options(), rows, now);
        Assert.Contains("X-PAZPAZ-STATUS:no_show\r\n", text);
        Assert.Contains("X-PAZPAZ-STATUS:cancelled\r\n", text);
    }

    [Fact]
    public void Long_text_is_folded_at_75_octets_without_splitting_a_character_and_unfolds_to_the_original()
    {
        var name = string.Concat(Enumerable.Repeat("שלום עולם 🌊 Zoë ", 12)).Trim();
        var row = Row(Booking(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero)), Booked, first: name, last: "Ångström");
        var text = FeedWriter.Write(Options(FeedPrivacyPreset.ClientFullName) with { CalendarName = name }, [row], Booked);

        Golden.Assert("folding-utf8.ics", text);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var lines = text.Split("\r\n")[..^1];
        Assert.All(lines, line =>
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            Assert.True(bytes.Length <= 75, $"{bytes.Length} octets: {line}");
            Assert.Equal(line, strict.GetString(bytes)); // no lone surrogate, no split sequence
        });
        Assert.DoesNotContain('\n', text.Replace("\r\n", ""));
        Assert.True(lines.Count(l => l.StartsWith(' ')) > 5);
        Assert.Equal($"{name} Ångström", Parsed.Events(text).Single().Summary);
        Assert.Contains($"X-WR-CALNAME:{name}", text.Replace("\r\n ", ""));
    }

    [Fact]
    public void Text_values_escape_backslashes_semicolons_commas_and_newlines()
    {
        Assert.Equal(@"a\;b\,c\\d\ne\nf", FeedWriter.Escape("a;b,c\\d\ne\r\nf\u0007"));
        var row = Row(Booking(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero)), Booked, first: "Noa; Jr.", last: "Cohen, \\ PT\nX");
        var text = FeedWriter.Write(Options(FeedPrivacyPreset.ClientFullName), [row], Booked);
        Golden.Assert("escaping.ics", text);
        Assert.Equal("Noa; Jr. Cohen, \\ PT\nX", Parsed.Events(text).Single().Summary);
    }

    [Fact]
    public void The_same_rows_give_the_same_bytes_with_no_invitation_or_alarm_properties()
    {
        var rows = new[] { Row(Booking(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero)), Booked) };
        var first = FeedWriter.Write(Options(), rows, Booked);
        var second = FeedWriter.Write(Options(), rows, Booked.AddHours(5));

        Assert.Equal(first, second);
        foreach (var forbidden in new[] { "ATTENDEE", "ORGANIZER", "VALARM", "METHOD" })
            Assert.DoesNotContain(forbidden, first);
        foreach (var required in new[] { "VERSION:2.0", "PRODID:-//PazPaz//Calendar//EN", "CALSCALE:GREGORIAN", "NAME:PazPaz – Dana Levi",
                     "X-WR-CALNAME:PazPaz – Dana Levi", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "CLASS:PRIVATE",
                     $"UID:{AppointmentId}@pazpaz", "DTSTAMP:20260301T083000Z", "LAST-MODIFIED:20260301T083000Z", "CREATED:20260301T083000Z",
                     $"DESCRIPTION:https://pazpaz.example.com/appointments/{AppointmentId}" })
            Assert.Contains(required + "\r\n", first.Replace("\r\n ", ""));
        Assert.DoesNotContain("\n", first.Replace("\r\n", ""));
    }

    [Fact]
    public void Python_icalendar_an_independent_parser_reads_the_same_events()
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "python3 is missing: install Debian's python3-icalendar (./test.sh does).");
        var start = new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero);
        var appointment = Booking(start, LocationType.Home, details: "12 Rose Lane; flat 2, Bristol");
        var rows = new[] { Row(appointment, Booked, first: "Zoë; \"Z\"", last: "Ångström, Jr") };
        var text = FeedWriter.Write(Options(FeedPrivacyPreset.ClientFullName, showPrivate: true), rows, Booked);

        var path = Path.Combine(Path.GetTempPath(), $"pazpaz-feed-{Guid.NewGuid():N}.ics");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        try
        {
            var script = "import sys, icalendar\n" +
                         "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n" +
                         "for e in cal.walk('VEVENT'):\n" +
                         "    print('|'.join([str(e['UID']), str(e['SUMMARY']), str(e['LOCATION']), e['DTSTART'].dt.isoformat(), str(e['SEQUENCE']), str(e['STATUS'])]))\n";
            var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            info.ArgumentList.Add(path);
            info.Environment["PYTHONIOENCODING"] = "utf-8";
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0,
                error.Contains("No module named") ? "python3-icalendar is missing: apt-get install python3-icalendar (./test.sh installs it)." : error);
            Assert.Equal($"{AppointmentId}@pazpaz|Zoë; \"Z\" Ångström, Jr|Home visit: 12 Rose Lane; flat 2, Bristol|2026-03-12T09:00:00+00:00|0|CONFIRMED",
                output.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>The feed read back with Ical.Net: what a .NET calendar client would see.</summary>
public static class Parsed
{
    public sealed record Event(string Uid, string Summary, string Location, string Start, string End, int Sequence, string Status);

    public static List<Event> Events(string text)
    {
        var calendar = Ical.Net.Calendar.Load(text) ?? throw new InvalidOperationException("Ical.Net could not read the feed.");
        return calendar.Events.Select(e => new Event(e.Uid!, e.Summary!, e.Location!, Utc(e.DtStart!), Utc(e.DtEnd!), e.Sequence, e.Status!))
            .ToList();
    }

    private static string Utc(Ical.Net.DataTypes.CalDateTime value)
    {
        Assert.True(value.IsUtc, $"{value} is not UTC");
        return value.Value.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Golden files under Calendar/Golden (copied to the output). PAZPAZ_UPDATE_GOLDEN=1 rewrites them from the current output
/// in the source tree; read the diff before committing.
/// </summary>
public static class Golden
{
    public static void Assert(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("PAZPAZ_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(SourceDirectory(), "Calendar", "Golden", name);
            File.WriteAllText(source, actual, new UTF8Encoding(false));
            return;
        }
        var path = Path.Combine(AppContext.BaseDirectory, "Calendar", "Golden", name);
        Xunit.Assert.True(File.Exists(path), $"Golden file {name} is missing; run with PAZPAZ_UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path, Encoding.UTF8);
        Xunit.Assert.Equal(expected, actual);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(file))!;
}
