using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class NotificationSettingsPageTests(PazPazApp app) : AppTest(app)
{
    private const string Url = "/settings/notifications";

    private Task<UserNotificationSettings?> StoredAsync(Guid userId) =>
        App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId));

    /// <summary>
    /// Posts one card's form as the browser would: its own fields, with <paramref name="values"/> replacing every field of
    /// the same name (several pairs with one name post several values, e.g. days; a null value only removes the field).
    /// htmx adds its HX-Request header.
    /// </summary>
    private static Task<HttpResponseMessage> PostCardAsync(HttpClient client, IDocument page, string card, bool htmx,
        params (string Name, string? Value)[] values)
    {
        var form = page.QuerySelector<IHtmlFormElement>($"form#notifications-{card}") ?? throw new InvalidOperationException($"No card '{card}'.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            if (element is IHtmlInputElement { Name: { Length: > 0 } name } input && (input.Type is not ("checkbox" or "submit") || input.IsChecked))
                fields.Add(new(name, input.Value));
            if (element is IHtmlSelectElement { Name: { Length: > 0 } selectName } select) fields.Add(new(selectName, select.Value ?? ""));
        }
        var names = values.Select(v => v.Name).ToHashSet();
        fields.RemoveAll(f => names.Contains(f.Key));
        fields.AddRange(values.Where(v => v.Value is not null).Select(v => new KeyValuePair<string, string>(v.Name, v.Value!)));
        var request = new HttpRequestMessage(HttpMethod.Post, form.GetAttribute("action")) { Content = new FormUrlEncodedContent(fields) };
        if (htmx) request.Headers.Add("HX-Request", "true");
        return client.SendAsync(request);
    }

    private static bool IsOn(IDocument page, string id) => page.QuerySelector<IHtmlInputElement>($"#{id}")!.IsChecked;

    private static int[] DaysTicked(IParentNode card) =>
        card.QuerySelectorAll<IHtmlInputElement>("input[type=checkbox][name$=Days]").Where(i => i.IsChecked).Select(i => int.Parse(i.Value)).ToArray();

    [Fact]
    public async Task The_first_visit_shows_the_defaults_and_keeps_them()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com", timeZone: "Asia/Jerusalem");
        var browser = await App.SignedInAsync("dana@example.com");

        var page = await browser.GetPageAsync(Url);

        Assert.True(IsOn(page, "Input_EmailEnabled"));
        Assert.Equal("switch", page.QuerySelector("#Input_EmailEnabled")!.GetAttribute("role"));
        Assert.False(IsOn(page, "Input_DigestEnabled"));
        Assert.Equal("08:00", page.QuerySelector("#Input_DigestTime")!.GetAttribute("value"));
        // The digests' days follow the working week: in Israel, Sunday to Thursday, and the evenings before them.
        Assert.Equal([0, 1, 2, 3, 4], DaysTicked(page.QuerySelector("#notifications-digest")!));
        Assert.Equal("20:00", page.QuerySelector("#Input_TomorrowDigestTime")!.GetAttribute("value"));
        Assert.Equal([0, 1, 2, 3, 6], DaysTicked(page.QuerySelector("#notifications-tomorrow-digest")!));
        Assert.True(IsOn(page, "Input_ReminderEnabled"));
        Assert.Equal("60", page.QuerySelector<IHtmlSelectElement>("#Input_ReminderMinutes")!.Value);
        Assert.Equal(["15", "30", "60", "120", "1440"], page.QuerySelectorAll("#Input_ReminderMinutes option").Select(o => o.GetAttribute("value")));
        Assert.Equal("18:00", page.QuerySelector("#Input_NotesReminderTime")!.GetAttribute("value"));
        Assert.True(IsOn(page, "Input_NotifyAppointmentBooked") && IsOn(page, "Input_NotifyAppointmentConfirmed"));
        Assert.Contains("Asia/Jerusalem", page.QuerySelector("main")!.TextContent);
        Assert.Null(page.QuerySelector("[data-testid=email-off]"));
        Assert.Null(page.QuerySelector("[data-testid=saved]"));
        // Every control has a label.
        foreach (var control in page.QuerySelectorAll("main form input:not([type=hidden]), main form select"))
            Assert.NotNull(page.QuerySelector($"label[for='{control.Id}']"));
        Assert.NotNull(await StoredAsync(practice.Owner.Id));
    }

    [Fact]
    public async Task An_htmx_change_saves_the_card_and_it_says_saved()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);

        var response = await PostCardAsync(browser, page, "digest", htmx: true,
            ("Input.DigestEnabled", "true"), ("Input.DigestEnabled", "false"), ("Input.DigestTime", "07:30"),
            ("Input.DigestDays", "3"), ("Input.DigestDays", "1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = await response.ParseAsync();
        var form = card.QuerySelector("form#notifications-digest")!;
        Assert.Equal("Saved", form.QuerySelector("[data-testid=saved]")!.TextContent.Trim());
        Assert.Equal("innerHTML", card.QuerySelector("#notifications-status")!.GetAttribute("hx-swap-oob"));
        Assert.Equal("Today's schedule saved.", card.QuerySelector("#notifications-status")!.TextContent);
        Assert.True(IsOn(card, "Input_DigestEnabled"));
        Assert.Equal("07:30", card.QuerySelector("#Input_DigestTime")!.GetAttribute("value"));
        Assert.Equal([1, 3], DaysTicked(form));
        Assert.Null(card.QuerySelector("#notifications-email"));

        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal((true, "07:30"), (stored.DigestEnabled, stored.DigestTime));
        Assert.Equal([1, 3], stored.DigestDays);
        Assert.Equal(("20:00", 60, true), (stored.TomorrowDigestTime, stored.ReminderMinutes, stored.EmailEnabled));
    }

    [Theory]
    [InlineData("8:00")]
    [InlineData("24:00")]
    [InlineData("08:60")]
    [InlineData("")]
    public async Task An_invalid_time_is_422_with_an_inline_error_and_the_old_value_stays(string time)
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);

        var response = await PostCardAsync(browser, page, "digest", htmx: true,
            ("Input.DigestEnabled", "true"), ("Input.DigestTime", time));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var card = await response.ParseAsync();
        var field = card.QuerySelector("#Input_DigestTime")!;
        Assert.Equal("true", field.GetAttribute("aria-invalid"));
        Assert.Contains("Input_DigestTime-error", field.GetAttribute("aria-describedby"));
        Assert.Contains("HH:MM", card.QuerySelector("#Input_DigestTime-error")!.TextContent);
        Assert.Equal(time, field.GetAttribute("value") ?? "");
        Assert.Null(card.QuerySelector("[data-testid=saved]"));
        Assert.StartsWith("Today's schedule not saved:", card.QuerySelector("#notifications-status")!.TextContent);

        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal((false, "08:00"), (stored.DigestEnabled, stored.DigestTime));
    }

    [Fact]
    public async Task With_no_day_ticked_the_card_warns_and_keeps_the_stored_days()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var first = await PostCardAsync(browser, await browser.GetPageAsync(Url), "tomorrow-digest", htmx: true, ("Input.TomorrowDigestDays", "0"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // An unticked checkbox is simply not posted: with none ticked there is no Input.TomorrowDigestDays at all.
        var response = await PostCardAsync(browser, await browser.GetPageAsync(Url), "tomorrow-digest", htmx: true, ("Input.TomorrowDigestDays", null));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var card = await response.ParseAsync();
        Assert.Contains("Choose at least one day.", card.QuerySelector("#Input_TomorrowDigestDays-error")!.TextContent);
        Assert.Contains("Input_TomorrowDigestDays-error", card.QuerySelector("#notifications-tomorrow-digest fieldset")!.GetAttribute("aria-describedby"));
        Assert.Empty(DaysTicked(card.QuerySelector("#notifications-tomorrow-digest")!));
        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal(new[] { 0 }, stored.TomorrowDigestDays);
    }

    [Theory]
    [InlineData("weekdays", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("everyday", new[] { 0, 1, 2, 3, 4, 5, 6 })]
    public async Task A_quick_pick_replaces_the_ticked_days(string preset, int[] expected)
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);
        Assert.NotNull(page.QuerySelector($"#notifications-digest button[name=preset][value={preset}]"));

        var response = await PostCardAsync(browser, page, "digest", htmx: true,
            ("Input.DigestDays", "6"), ("Input.DigestTime", "06:00"), ("preset", preset));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, DaysTicked((await response.ParseAsync()).QuerySelector("#notifications-digest")!));
        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal(expected, stored.DigestDays);
        Assert.Equal("06:00", stored.DigestTime);
    }

    [Fact]
    public async Task The_reminder_and_the_event_switches_save_from_their_own_cards()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);

        var reminder = await PostCardAsync(browser, page, "reminder", htmx: true, ("Input.ReminderMinutes", "15"));
        var refused = await PostCardAsync(browser, page, "reminder", htmx: true, ("Input.ReminderMinutes", "45"));
        // Switching "booked" off: the checkbox is not posted, only its hidden "false".
        var events = await PostCardAsync(browser, page, "events", htmx: true, ("Input.NotifyAppointmentBooked", "false"));

        Assert.Equal(HttpStatusCode.OK, reminder.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.NotNull((await refused.ParseAsync()).QuerySelector("#Input_ReminderMinutes-error"));
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var stored = (await StoredAsync(practice.Owner.Id))!;
        Assert.Equal((true, 15), (stored.ReminderEnabled, stored.ReminderMinutes));
        Assert.False(stored.NotifyAppointmentBooked);
        Assert.True(stored.NotifyAppointmentCancelled && stored.NotifyAppointmentRescheduled && stored.NotifyAppointmentConfirmed);
    }

    [Fact]
    public async Task Turning_email_off_shows_the_warning()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);

        var response = await PostCardAsync(browser, page, "email", htmx: true, ("Input.EmailEnabled", "false"));

        var card = await response.ParseAsync();
        Assert.Contains("E-mail notifications are off.", card.QuerySelector("[data-testid=email-off]")!.TextContent);
        Assert.False((await StoredAsync(practice.Owner.Id))!.EmailEnabled);
        Assert.NotNull((await browser.GetPageAsync(Url)).QuerySelector("[data-testid=email-off]"));
    }

    [Fact]
    public async Task Without_javascript_a_card_saves_and_redirects_back()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);
        Assert.NotNull(page.QuerySelector("#notifications-notes-reminder noscript"));

        var response = await PostCardAsync(browser, page, "notes-reminder", htmx: false, ("Input.NotesReminderTime", "17:45"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Url, response.Headers.Location!.OriginalString);
        Assert.Equal("17:45", (await StoredAsync(practice.Owner.Id))!.NotesReminderTime);
        var after = await browser.GetPageAsync(Url);
        Assert.Contains("saved", after.QuerySelector("#flash")!.TextContent);
        Assert.NotNull(after.QuerySelector("#notifications-notes-reminder [data-testid=saved]"));
        Assert.Equal("17:45", after.QuerySelector("#Input_NotesReminderTime")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Without_javascript_an_invalid_card_comes_back_in_the_whole_page()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        var page = await browser.GetPageAsync(Url);
        await PostCardAsync(browser, page, "reminder", htmx: false, ("Input.ReminderMinutes", "120"));

        var response = await PostCardAsync(browser, page, "notes-reminder", htmx: false, ("Input.NotesReminderTime", "6pm"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var whole = await response.ParseAsync();
        Assert.NotNull(whole.QuerySelector("#Input_NotesReminderTime-error"));
        Assert.Equal("6pm", whole.QuerySelector("#Input_NotesReminderTime")!.GetAttribute("value"));
        // The other cards show what is stored.
        Assert.Equal("120", whole.QuerySelector<IHtmlSelectElement>("#Input_ReminderMinutes")!.Value);
        Assert.Equal("08:00", whole.QuerySelector("#Input_DigestTime")!.GetAttribute("value"));
        Assert.Null(whole.QuerySelector("#notifications-status[hx-swap-oob]"));
        Assert.Equal("18:00", (await StoredAsync(practice.Owner.Id))!.NotesReminderTime);
    }

    [Fact]
    public async Task Each_user_sees_and_changes_only_their_own_settings()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var assistant = await App.WithDbAsync(async db =>
        {
            var user = User.Create(practice.Workspace.Id, "ari@example.com", "Ari Assistant", UserRole.Assistant, App.Clock.GetUtcNow());
            db.Add(user);
            await db.SaveChangesAsync();
            return user;
        });
        var elsewhere = await App.PracticeAsync("Elsewhere", "them@example.com");
        var dana = await App.SignedInAsync("dana@example.com");
        var ari = await App.SignedInAsync("ari@example.com");
        var them = await App.SignedInAsync("them@example.com");

        await PostCardAsync(dana, await dana.GetPageAsync(Url), "digest", htmx: true, ("Input.DigestEnabled", "true"), ("Input.DigestTime", "06:15"));
        var arisPage = await ari.GetPageAsync(Url);
        var theirPage = await them.GetPageAsync(Url);
        await PostCardAsync(ari, arisPage, "digest", htmx: true, ("Input.DigestTime", "09:00"));

        Assert.Equal("08:00", arisPage.QuerySelector("#Input_DigestTime")!.GetAttribute("value"));
        Assert.Equal("08:00", theirPage.QuerySelector("#Input_DigestTime")!.GetAttribute("value"));
        Assert.Equal((true, "06:15"), ((await StoredAsync(practice.Owner.Id))!.DigestEnabled, (await StoredAsync(practice.Owner.Id))!.DigestTime));
        Assert.Equal("09:00", (await StoredAsync(assistant.Id))!.DigestTime);
        Assert.Equal("08:00", (await StoredAsync(elsewhere.Owner.Id))!.DigestTime);
    }

    [Fact]
    public async Task Signed_out_the_page_sends_you_to_sign_in_and_a_post_saves_nothing()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = App.Browser();

        var get = await browser.GetAsync(Url);
        var post = await browser.PostAsync(Url + "?handler=Digest",
            new FormUrlEncodedContent([new("Input.DigestEnabled", "true"), new("Input.DigestTime", "07:00"), new("Input.DigestDays", "1")]));

        Assert.Equal(HttpStatusCode.Redirect, get.StatusCode);
        Assert.StartsWith("/sign-in", get.Headers.Location!.AbsolutePath);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.NotificationSettings.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task The_settings_overview_links_to_the_notifications()
    {
        await App.PracticeAsync(email: "dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");

        var overview = await browser.GetPageAsync("/settings");
        var page = await browser.GetPageAsync(Url);

        Assert.NotNull(overview.QuerySelector($"main a.btn-secondary[href='{Url}']"));
        Assert.Equal("page", page.QuerySelector($"nav[aria-label=Settings] a[href='{Url}']")!.GetAttribute("aria-current"));
    }
}
