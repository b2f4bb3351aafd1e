using System.Net;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Calendar;

/// <summary>
/// SEQUENCE rises when a client, service or location an event shows changes what subscribers see (titles, LOCATION), through
/// the pages and the API alike, and not for edits no event shows. Read from the feed itself.
/// </summary>
public sealed class FeedSequenceTests(PazPazApp app) : AppTest(app)
{
    /// <summary>Noa's appointment uses <c>ServiceId</c> and <c>LocationId</c>; Avi's uses another service and location, and must never move.</summary>
    private sealed record Setup(Client Noa, Guid NoasAppointment, Guid AvisAppointment, Guid ServiceId, Guid LocationId, HttpClient Api, string FeedPath);

    private async Task<Setup> SetUpAsync()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var avi = await App.ClientAsync(practice.Workspace.Id, "Avi", "Mizrahi");
        var api = await App.ApiClientAsync("dana@example.com");
        var service = await CreateAsync(api, "/api/v1/services", new { name = "Deep tissue", default_duration_minutes = 60 });
        var otherService = await CreateAsync(api, "/api/v1/services", new { name = "Cupping", default_duration_minutes = 30 });
        var location = await CreateAsync(api, "/api/v1/locations", new { name = "Harbour room", location_type = "clinic", address = "Herzl 1, Haifa" });
        var otherLocation = await CreateAsync(api, "/api/v1/locations", new { name = "Garden room", location_type = "clinic", address = "Herzl 3, Haifa" });
        var tomorrow = new DateTimeOffset(App.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        var noas = await BookAsync(api, noa.Id, tomorrow.AddHours(9), service, location);
        var avis = await BookAsync(api, avi.Id, tomorrow.AddHours(11), otherService, otherLocation);
        var feed = await api.PostJsonAsync("/api/v1/calendar-feeds", new { privacy_preset = "client_full_name" });
        Assert.Equal(HttpStatusCode.Created, feed.StatusCode);
        var path = new Uri((await feed.JsonAsync())["url"]!.GetValue<string>()).PathAndQuery;
        var setup = new Setup(noa, noas, avis, service, location, api, path);
        Assert.Equal((0, 0), await SequencesAsync(setup));
        return setup;
    }

    private static async Task<Guid> CreateAsync(HttpClient api, string url, object body)
    {
        var response = await api.PostJsonAsync(url, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync())["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> BookAsync(HttpClient api, Guid clientId, DateTimeOffset start, Guid serviceId, Guid locationId)
    {
        var response = await api.PostJsonAsync("/api/v1/appointments", new
        {
            client_id = clientId, scheduled_start = start, scheduled_end = start.AddHours(1), location_type = "clinic",
            service_id = serviceId, location_id = locationId,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync())["id"]!.GetValue<Guid>();
    }

    private async Task<List<Parsed.Event>> EventsAsync(Setup s)
    {
        var response = await App.Browser().GetAsync(s.FeedPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Parsed.Events(await response.Content.ReadAsStringAsync());
    }

    /// <summary>(Noa's SEQUENCE, Avi's SEQUENCE) as the feed shows them.</summary>
    private async Task<(int Noa, int Avi)> SequencesAsync(Setup s)
    {
        var events = (await EventsAsync(s)).ToDictionary(e => e.Uid, e => e.Sequence);
        return (events[$"{s.NoasAppointment}@pazpaz"], events[$"{s.AvisAppointment}@pazpaz"]);
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string url, Dictionary<string, string> values)
    {
        var response = await browser.SubmitAsync(await browser.GetPageAsync(url), values: values);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    [Fact]
    public async Task Renaming_a_client_on_their_page_raises_the_sequence_of_their_appointments_and_a_new_phone_number_does_not()
    {
        var s = await SetUpAsync();
        var deleted = await BookAsync(s.Api, s.Noa.Id, App.Clock.GetUtcNow().AddDays(2), s.ServiceId, s.LocationId);
        Assert.Equal(HttpStatusCode.NoContent, (await s.Api.DeleteAsync($"/api/v1/appointments/{deleted}")).StatusCode);
        var browser = await App.SignedInAsync("dana@example.com");
        var edit = $"/clients/{s.Noa.Id}/edit";

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await SubmitAsync(browser, edit, new() { ["Input.Phone"] = "+972 50 555 1234" });
        Assert.Equal((0, 0), await SequencesAsync(s));

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await SubmitAsync(browser, edit, new() { ["Input.LastName"] = "Levi-Cohen" });
        Assert.Equal((1, 0), await SequencesAsync(s));
        Assert.Equal("Noa Levi-Cohen", (await EventsAsync(s)).Single(e => e.Uid == $"{s.NoasAppointment}@pazpaz").Summary);
        var rows = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().Where(a => a.ClientId == s.Noa.Id).ToDictionaryAsync(a => a.Id));
        Assert.Equal(App.Clock.GetUtcNow(), rows[s.NoasAppointment].UpdatedAt);
        Assert.Equal(1, rows[deleted].Sequence); // raised by its deletion only: a deleted appointment is in no feed

        await SubmitAsync(browser, edit, new() { ["Input.HideNameOutsidePazPaz"] = "true" });
        Assert.Equal((2, 0), await SequencesAsync(s));
        Assert.Equal("Session", (await EventsAsync(s)).Single(e => e.Uid == $"{s.NoasAppointment}@pazpaz").Summary);
    }

    [Fact]
    public async Task Renaming_a_client_or_hiding_their_name_through_the_api_raises_the_sequence_and_other_fields_do_not()
    {
        var s = await SetUpAsync();
        async Task PutAsync(object body) =>
            Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/clients/{s.Noa.Id}", body)).StatusCode);

        await PutAsync(new { phone = "+972 50 555 1234", notes = "Prefers mornings" });
        Assert.Equal((0, 0), await SequencesAsync(s));
        await PutAsync(new { first_name = "Noam" });
        Assert.Equal((1, 0), await SequencesAsync(s));
        await PutAsync(new { hide_name_outside_pazpaz = true });
        Assert.Equal((2, 0), await SequencesAsync(s));
        await PutAsync(new { first_name = "Noam", hide_name_outside_pazpaz = true }); // the same values again: nothing changed
        Assert.Equal((2, 0), await SequencesAsync(s));
    }

    [Fact]
    public async Task Renaming_a_service_on_its_page_or_through_the_api_raises_the_sequence_and_a_new_duration_does_not()
    {
        var s = await SetUpAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var edit = $"/settings/services/{s.ServiceId}/edit";

        await SubmitAsync(browser, edit, new() { ["Input.DefaultDurationMinutes"] = "90", ["Input.Description"] = "Firm pressure" });
        Assert.Equal((0, 0), await SequencesAsync(s));
        await SubmitAsync(browser, edit, new() { ["Input.Name"] = "Deep tissue massage" });
        Assert.Equal((1, 0), await SequencesAsync(s));

        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/services/{s.ServiceId}", new { default_duration_minutes = 45 })).StatusCode);
        Assert.Equal((1, 0), await SequencesAsync(s));
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/services/{s.ServiceId}", new { name = "Sports massage" })).StatusCode);
        Assert.Equal((2, 0), await SequencesAsync(s));
    }

    [Fact]
    public async Task Changing_a_locations_name_address_or_details_raises_the_sequence_and_archiving_it_does_not()
    {
        var s = await SetUpAsync();
        var browser = await App.SignedInAsync("dana@example.com");
        var edit = $"/settings/locations/{s.LocationId}/edit";

        await SubmitAsync(browser, edit, new() { ["Input.Name"] = "Sea room" });
        Assert.Equal((1, 0), await SequencesAsync(s));
        Assert.Equal("Sea room", (await EventsAsync(s)).Single(e => e.Uid == $"{s.NoasAppointment}@pazpaz").Location);
        await SubmitAsync(browser, edit, new() { ["Input.Address"] = "Herzl 5, Haifa" });
        Assert.Equal((2, 0), await SequencesAsync(s));

        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/locations/{s.LocationId}", new { is_active = false })).StatusCode);
        Assert.Equal((2, 0), await SequencesAsync(s));
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PutJsonAsync($"/api/v1/locations/{s.LocationId}", new { details = "Second floor" })).StatusCode);
        Assert.Equal((3, 0), await SequencesAsync(s));
    }
}
