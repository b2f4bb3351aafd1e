using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Pages.Calendar;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Appointments;

public sealed class AppointmentFormTests(PazPazApp app) : AppTest(app)
{
    // Tuesday 10 March 2026, 10:00 in Jerusalem (UTC+2).
    private static readonly DateTimeOffset TenLocal = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    private async Task<(Seed.Practice Practice, Client Noa, HttpClient Browser)> PracticeAsync()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        return (practice, noa, (await App.SignedInAsync(practice.Owner.Email)).AsHtmx());
    }

    private Task<List<Appointment>> AppointmentsAsync() => App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().OrderBy(a => a.ScheduledStart).ToListAsync());

    private static readonly TimeZoneInfo Jerusalem = TimeZones.Find("Asia/Jerusalem");

    /// <summary>
    /// Moves the clock forward to <paramref name="time"/> in Jerusalem on the first day after now that <paramref name="isTheDay"/> picks
    /// (a fake clock never goes back); sign in after it, as a move of months outlives any session.
    /// </summary>
    private DateOnly MoveClockTo(Func<DateOnly, bool> isTheDay, TimeOnly time)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime).AddDays(1);
        while (!isTheDay(day)) day = day.AddDays(1);
        App.Clock.SetUtcNow(TimeZones.ToUtc(day.ToDateTime(time), Jerusalem));
        return day;
    }

    // Israel moves its clocks from 02:00 to 03:00: on that night 02:00–02:59 never happens.
    [Theory]
    [InlineData("01:45", "01:45", "03:45")]
    [InlineData("01:50", "03:00", "04:00")]
    public async Task On_the_night_clocks_go_forward_the_new_form_opens_on_a_real_time_for_one_hour(string now, string start, string end)
    {
        var night = MoveClockTo(d => Jerusalem.IsInvalidTime(d.ToDateTime(new TimeOnly(2, 0))), TimeOnly.Parse(now));
        var (_, noa, browser) = await PracticeAsync();

        var form = await browser.GetPageAsync("/appointments/new");

        Assert.Equal(night.ToString("yyyy-MM-dd"), form.QuerySelector("#appointment-date")?.GetAttribute("value"));
        Assert.Equal((start, end), (form.QuerySelector("#appointment-start")?.GetAttribute("value"), form.QuerySelector("#appointment-end")?.GetAttribute("value")));
        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string> { ["client_id"] = noa.Id.ToString() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = Assert.Single(await AppointmentsAsync());
        Assert.Equal(TimeZones.ToUtc(night.ToDateTime(TimeOnly.Parse(start)), Jerusalem), saved.ScheduledStart);
        Assert.Equal(TimeSpan.FromHours(1), saved.ScheduledEnd - saved.ScheduledStart);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?date=today")] // the calendar's "New appointment" when today is on screen
    public async Task At_23_55_on_31_December_the_new_form_opens_on_1_January_at_the_start_of_working_hours(string query)
    {
        var newYearsEve = MoveClockTo(d => d is { Month: 12, Day: 31 }, new TimeOnly(23, 55));
        var (_, _, browser) = await PracticeAsync();

        var form = await browser.GetPageAsync("/appointments/new" + query.Replace("today", newYearsEve.ToString("yyyy-MM-dd")));

        Assert.Equal(newYearsEve.AddDays(1).ToString("yyyy-MM-dd"), form.QuerySelector("#appointment-date")?.GetAttribute("value"));
        Assert.Equal(("08:00", "09:00"), (form.QuerySelector("#appointment-start")?.GetAttribute("value"), form.QuerySelector("#appointment-end")?.GetAttribute("value")));
    }

    [Fact]
    public async Task A_slot_click_opens_the_form_at_that_time()
    {
        var (_, _, browser) = await PracticeAsync();

        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:15");

        Assert.Null(form.QuerySelector("html body header")); // a partial for the dialog, not a page
        Assert.Equal("New appointment", form.QuerySelector("#dialog-title").Text());
        Assert.Equal("2026-03-10", form.QuerySelector("#appointment-date")?.GetAttribute("value"));
        Assert.Equal("10:15", form.QuerySelector("#appointment-start")?.GetAttribute("value"));
        Assert.Equal("11:15", form.QuerySelector("#appointment-end")?.GetAttribute("value"));
        Assert.Equal("Book appointment", form.QuerySelector("#appointment-submit").Text());
    }

    [Fact]
    public async Task Booking_answers_a_toast_naming_client_and_day_with_appointment_saved_and_stores_the_time_in_UTC()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var service = await App.WithDbAsync(async db =>
        {
            var s = Service.Create(practice.Workspace.Id, "Sports massage", 45);
            var l = Location.Create(practice.Workspace.Id, "Clinic", LocationType.Clinic, "Dizengoff 1", "Room 2");
            db.AddRange(s, l);
            await db.SaveChangesAsync();
            return (s, l);
        });
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:00");

        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = noa.Id.ToString(), ["service_id"] = service.s.Id.ToString(), ["location_id"] = service.l.Id.ToString(),
            ["end"] = "10:45", ["notes"] = "First visit",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.HxTriggers(), t => t.Contains("appointment-saved"));
        var toast = (await response.ParseAsync()).QuerySelector("#toast")!;
        var thisYear = TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).Year == 2026;
        Assert.Contains($"Booked Noa Cohen · Tue 10 Mar{(thisYear ? "" : " 2026")} 10:00", toast.Text());
        Assert.Equal("/calendar?view=week&date=2026-03-10", toast.QuerySelector("a")?.GetAttribute("href"));
        var saved = Assert.Single(await AppointmentsAsync());
        Assert.Equal(TenLocal, saved.ScheduledStart);
        Assert.Equal(TenLocal.AddMinutes(45), saved.ScheduledEnd);
        Assert.Equal(noa.Id, saved.ClientId);
        Assert.Equal(service.s.Id, saved.ServiceId);
        Assert.Equal(LocationType.Clinic, saved.LocationType);
        Assert.Equal("Room 2", saved.LocationDetails);
        Assert.Equal("First visit", saved.Notes);
    }

    [Fact]
    public async Task A_booking_more_than_a_year_ahead_is_asked_about_once_and_the_toast_shows_the_year()
    {
        var (_, noa, browser) = await PracticeAsync();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), Jerusalem).DateTime);
        var far = today.AddYears(1).AddDays(2);
        var form = await browser.GetPageAsync($"/appointments/new?start={far:yyyy-MM-dd}T10:00");

        var warned = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string> { ["client_id"] = noa.Id.ToString() });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, warned.StatusCode);
        var warning = await warned.ParseAsync();
        Assert.Contains($"{far.ToDateTime(TimeOnly.MinValue):dddd d MMMM yyyy} is more than a year ahead", warning.QuerySelector("[data-testid=far-ahead]").Text());
        Assert.Empty(await AppointmentsAsync());

        // Another date in the same form asks again; the confirmed date books.
        var booked = await browser.SubmitAsync(warning, "#appointment-form");
        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        Assert.Contains($"Booked Noa Cohen · {far.ToDateTime(TimeOnly.MinValue):ddd d MMM yyyy} 10:00", (await booked.ParseAsync()).QuerySelector("#toast").Text());
        Assert.Single(await AppointmentsAsync());

        var nextDay = await browser.SubmitAsync(warning, "#appointment-form", new Dictionary<string, string> { ["date"] = far.AddDays(1).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nextDay.StatusCode);
        Assert.Single(await AppointmentsAsync());
    }

    [Fact]
    public async Task An_end_before_the_start_is_the_next_day_for_a_late_session_and_a_mistake_otherwise()
    {
        var (_, noa, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T23:00");

        var conflicts = await (await browser.GetAsync("/appointments/conflicts?date=2026-03-10&start=23:00&end=00:30")).ParseAsync();
        Assert.Equal("Ends the next day, Wed 11 Mar at 00:30.", conflicts.QuerySelector("[data-testid=overnight]").Text());

        var mistake = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = noa.Id.ToString(), ["start"] = "10:00", ["end"] = "09:00",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mistake.StatusCode);
        Assert.Equal("The end must be after the start.", (await mistake.ParseAsync()).QuerySelector("#end-error").Text());

        var late = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = noa.Id.ToString(), ["start"] = "23:00", ["end"] = "00:30",
        });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var saved = Assert.Single(await AppointmentsAsync());
        // 23:00 on 10 March to 00:30 on 11 March in Jerusalem (UTC+2).
        Assert.Equal((new DateTimeOffset(2026, 3, 10, 21, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 10, 22, 30, 0, TimeSpan.Zero)),
            (saved.ScheduledStart, saved.ScheduledEnd));

        // Opened again, the form shows the same times and says it ends the next day.
        var edit = await browser.GetPageAsync($"/appointments/{saved.Id}");
        Assert.Equal(("23:00", "00:30"), (edit.QuerySelector("#appointment-start")?.GetAttribute("value"), edit.QuerySelector("#appointment-end")?.GetAttribute("value")));
        Assert.Equal("Ends the next day, Wed 11 Mar at 00:30.", edit.QuerySelector("[data-testid=overnight]").Text());
    }

    [Fact]
    public async Task Text_typed_in_the_client_box_but_not_chosen_is_kept_and_prefills_new_client()
    {
        var (_, _, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:00");

        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string> { ["client_query"] = "Lior Ben Shapiro" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.Equal("Lior Ben Shapiro", page.QuerySelector("#client-query")?.GetAttribute("value"));
        Assert.Equal("Choose a client, or add a new one.", page.QuerySelector("#client_id-error").Text());
        Assert.NotNull(page.QuerySelector("#client-picker details[open]"));
        Assert.Equal("Lior", page.QuerySelector("#new-client-first-name")?.GetAttribute("value"));
        Assert.Equal("Ben Shapiro", page.QuerySelector("#new-client-last-name")?.GetAttribute("value"));
        Assert.Empty(await AppointmentsAsync());
    }

    [Fact]
    public async Task Invalid_input_comes_back_with_field_errors_and_422_and_saves_nothing()
    {
        var (_, _, browser) = await PracticeAsync();
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:00");

        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string> { ["end"] = "09:30", ["date"] = "" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var again = await response.ParseAsync();
        Assert.Equal("Choose a client, or add a new one.", again.QuerySelector("#client_id-error").Text());
        Assert.Equal("Enter the date.", again.QuerySelector("#date-error").Text());
        Assert.Equal("true", again.QuerySelector("#appointment-date")?.GetAttribute("aria-invalid"));
        Assert.Equal("09:30", again.QuerySelector("#appointment-end")?.GetAttribute("value"));
        Assert.Empty(await AppointmentsAsync());

        var backwards = await browser.SubmitAsync(again, "#appointment-form", new Dictionary<string, string> { ["date"] = "2026-03-10" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backwards.StatusCode);
        Assert.Equal("The end must be after the start.", (await backwards.ParseAsync()).QuerySelector("#end-error").Text());
    }

    [Fact]
    public async Task An_overlap_shows_initials_in_the_form_and_book_anyway_saves_it()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var maya = await App.ClientAsync(practice.Workspace.Id, "Maya", "Peretz");
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T15:00");

        var warned = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = maya.Id.ToString(), ["start"] = "10:30", ["end"] = "11:30",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, warned.StatusCode);
        var warning = await warned.ParseAsync();
        Assert.Contains("Overlaps 10:00–11:00 · N.C.", warning.QuerySelector("#conflicts").Text());
        Assert.DoesNotContain("Noa", warning.QuerySelector("#conflicts").Text());
        Assert.Equal("Book anyway", warning.QuerySelector("#appointment-submit").Text());
        Assert.Equal("Maya Peretz", warning.QuerySelector("#client-query")?.GetAttribute("value"));
        Assert.Single(await AppointmentsAsync());

        var booked = await browser.SubmitAsync(warning, "#appointment-form");

        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        Assert.Equal(2, (await AppointmentsAsync()).Count);
    }

    [Fact]
    public async Task A_form_opened_on_a_taken_slot_warns_at_once()
    {
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);

        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:45");

        Assert.Contains("Overlaps 10:00–11:00 · N.C.", form.QuerySelector("#conflicts").Text());
        Assert.Equal("Book anyway", form.QuerySelector("#appointment-submit").Text());
    }

    [Fact]
    public async Task Book_anyway_holds_only_for_the_slot_the_warning_was_about()
    {
        var (practice, noa, browser) = await PracticeAsync();
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);
        await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal.AddHours(2));
        var form = await browser.GetPageAsync("/appointments/new?start=2026-03-10T15:00");
        var warning = await (await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = noa.Id.ToString(), ["start"] = "10:30", ["end"] = "11:30",
        })).ParseAsync();
        Assert.Contains("Overlaps 10:00–11:00 · N.C.", warning.QuerySelector("#conflicts").Text());

        // The time changed after the warning (faster than the live check): a new warning, not a booking.
        var moved = await browser.SubmitAsync(warning, "#appointment-form", new Dictionary<string, string> { ["start"] = "12:30", ["end"] = "13:30" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.StatusCode);
        Assert.Contains("Overlaps 12:00–13:00 · N.C.", (await moved.ParseAsync()).QuerySelector("#conflicts").Text());
        Assert.Equal(2, (await AppointmentsAsync()).Count);
    }

    [Fact]
    public async Task Changing_the_times_checks_for_overlaps_inside_the_form()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var existing = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);

        var overlap = await browser.GetPageAsync("/appointments/conflicts?date=2026-03-10&start=10:30&end=11:30");
        Assert.Contains("Overlaps 10:00–11:00 · N.C.", overlap.Body.Text());
        Assert.Equal("true", overlap.QuerySelector("input[name=allow_conflict]")?.GetAttribute("value"));
        Assert.Equal("2026-03-10|10:30|11:30", overlap.QuerySelector("input[name=confirmed_slot]")?.GetAttribute("value"));
        var button = overlap.QuerySelector("#appointment-submit");
        Assert.Equal("true", button?.GetAttribute("hx-swap-oob"));
        Assert.Equal("Book anyway", button.Text());

        var touching = await browser.GetPageAsync("/appointments/conflicts?date=2026-03-10&start=11:00&end=12:00");
        Assert.Null(touching.QuerySelector("input[name=allow_conflict]"));
        Assert.Equal("Book appointment", touching.QuerySelector("#appointment-submit").Text());

        // Editing: the appointment does not overlap itself.
        var itself = await browser.GetPageAsync($"/appointments/conflicts?date=2026-03-10&start=10:15&end=11:15&appointment_id={existing.Id}");
        Assert.Equal("Save changes", itself.QuerySelector("#appointment-submit").Text());
    }

    [Fact]
    public async Task The_client_search_lists_matching_active_clients_of_this_workspace_only()
    {
        var (practice, _, browser) = await PracticeAsync();
        await App.ClientAsync(practice.Workspace.Id, "Yossi", "Cohenov");
        var archived = await App.ClientAsync(practice.Workspace.Id, "Dan", "Cohen");
        await App.WithDbAsync(async db =>
        {
            (await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == archived.Id)).Archive();
            await db.SaveChangesAsync();
        });
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        await App.ClientAsync(other.Workspace.Id, "Ruth", "Cohen");

        var options = await browser.GetPageAsync("/appointments/clients?client_query=coh");

        Assert.Equal(["Noa Cohen", "Yossi Cohenov"], options.QuerySelectorAll("[role=option][data-client-id]").Select(o => o.GetAttribute("data-client-name")!));
        var none = await browser.GetPageAsync("/appointments/clients?client_query=zz%25");
        Assert.Empty(none.QuerySelectorAll("[role=option][data-client-id]"));
        Assert.Contains("No client matches", none.Body.Text());
    }

    [Fact]
    public async Task Quick_add_creates_the_client_and_chooses_them()
    {
        var (practice, _, browser) = await PracticeAsync();

        var missing = await browser.PostFieldsAsync("/appointments/clients", ("new_client_first_name", "Eitan"), ("new_client_last_name", " "));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("first and last name", (await missing.ParseAsync()).Body.Text());

        var added = await browser.PostFieldsAsync("/appointments/clients", ("new_client_first_name", "Eitan"), ("new_client_last_name", "Goldberg"));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var picker = await added.ParseAsync();
        // Names are encrypted: PostgreSQL cannot compare them, so the test looks in memory.
        var client = (await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().ToListAsync())).Single(c => c.LastName == "Goldberg");
        Assert.Equal(practice.Workspace.Id, client.WorkspaceId);
        Assert.Equal(client.Id.ToString(), picker.QuerySelector("#client-id")?.GetAttribute("value"));
        Assert.Equal("Eitan Goldberg", picker.QuerySelector("#client-query")?.GetAttribute("value"));
    }

    [Fact]
    public async Task Editing_saves_every_field_through_booking()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var maya = await App.ClientAsync(practice.Workspace.Id, "Maya", "Peretz");
        var appointment = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);
        var form = await browser.GetPageAsync($"/appointments/{appointment.Id}");
        Assert.Equal("Noa Cohen", form.QuerySelector("#client-query")?.GetAttribute("value"));
        Assert.Equal("10:00", form.QuerySelector("#appointment-start")?.GetAttribute("value"));
        Assert.Equal("Save changes", form.QuerySelector("#appointment-submit").Text());

        var response = await browser.SubmitAsync(form, "#appointment-form", new Dictionary<string, string>
        {
            ["client_id"] = maya.Id.ToString(), ["start"] = "12:00", ["end"] = "12:30", ["notes"] = "Moved by phone",
        });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(response.HxTriggers(), t => t.Contains("appointment-saved"));
        var saved = Assert.Single(await AppointmentsAsync());
        Assert.Equal(TenLocal.AddHours(2), saved.ScheduledStart);
        Assert.Equal(TenLocal.AddHours(2.5), saved.ScheduledEnd);
        Assert.Equal(maya.Id, saved.ClientId);
        Assert.Equal("Moved by phone", saved.Notes);
        Assert.Equal(1, saved.EditCount);
    }

    [Fact]
    public async Task The_dialog_offers_only_the_status_changes_the_rules_allow()
    {
        var (practice, noa, browser) = await PracticeAsync();
        var scheduled = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal);
        var completed = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal.AddDays(-7), status: AppointmentStatus.Completed);
        await App.WithDbAsync(async db =>
        {
            db.Add(SessionNote.Create(practice.Workspace.Id, noa.Id, new DateOnly(2026, 3, 3), completed.Id));
            await db.SaveChangesAsync();
        });
        var cancelled = await App.AppointmentAsync(practice.Workspace.Id, noa.Id, TenLocal.AddDays(1), status: AppointmentStatus.Cancelled);

        async Task<List<string>> ActionsAsync(Appointment a) =>
            (await browser.GetPageAsync($"/appointments/{a.Id}")).QuerySelectorAll("form[action$='/status'] button").Select(b => b.Text().TrimStart('✓', '⊘', '✕', '↺', ' ')).ToList();

        Assert.Equal(["Complete", "No-show", "Cancel appointment"], await ActionsAsync(scheduled));
        Assert.Equal(["No-show"], await ActionsAsync(completed)); // it has a session note, so it cannot be cancelled
        Assert.Equal(["Restore"], await ActionsAsync(cancelled));
    }

    [Fact]
    public async Task Without_JavaScript_booking_is_a_plain_form_that_returns_to_the_calendar()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var browser = await App.SignedInAsync(practice.Owner.Email);
        var page = await browser.GetPageAsync("/appointments/new?start=2026-03-10T10:00");
        Assert.NotNull(page.QuerySelector("header nav")); // the whole page, with the layout

        var response = await browser.SubmitAsync(page, "#appointment-form", new Dictionary<string, string> { ["client_id"] = noa.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/calendar?view=week&date=2026-03-10", response.Headers.Location?.OriginalString);
        Assert.Single(await AppointmentsAsync());
    }
}
