using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Api;
using PazPaz.Tests.Pages.Notes;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Audit;

/// <summary>
/// Every page and API endpoint that shows a client record, appointments with their client, a session note or a file
/// writes one <c>read</c> event per kind it showed, naming exactly what it showed (§12). The list below is the list of
/// read paths: a new one belongs here. What counts as a read, and what does not, is written down on <c>ReadAudit</c>.
/// </summary>
public sealed class ReadAuditTests(PazPazApp app) : AppTest(app)
{
    /// <summary>One practice with two clients, an appointment each today, a finalized note and a file on Noa.</summary>
    private sealed record World(HttpClient Browser, HttpClient Api, Client Noa, Client Dan, Appointment NoaVisit, Appointment DanVisit,
        SessionNote Note, Guid File);

    /// <summary>What one request should have recorded: a read of <paramref name="Type"/> naming exactly <paramref name="Ids"/>.</summary>
    private sealed record Read(string Type, params Guid[] Ids);

    private static readonly Dictionary<string, Func<World, (string Url, bool Htmx, Read[] Expected)>> Paths = new()
    {
        ["client list page"] = w => ("/clients", false, [new(nameof(Client), w.Noa.Id, w.Dan.Id)]),
        ["client list search"] = w => ("/clients?q=Noa", true, [new(nameof(Client), w.Noa.Id)]),
        ["client page"] = w => ($"/clients/{w.Noa.Id}", false,
            [new(nameof(Client), w.Noa.Id), new(nameof(Appointment), w.NoaVisit.Id), new(nameof(SessionNote), w.Note.Id)]),
        ["client edit page"] = w => ($"/clients/{w.Noa.Id}/edit", false, [new(nameof(Client), w.Noa.Id)]),
        ["client type-ahead"] = w => ("/appointments/clients?client_query=Dan", true, [new(nameof(Client), w.Dan.Id)]),
        ["clients API list"] = w => ("/api/v1/clients", false, [new(nameof(Client), w.Noa.Id, w.Dan.Id)]),
        ["clients API get"] = w => ($"/api/v1/clients/{w.Noa.Id}", false, [new(nameof(Client), w.Noa.Id)]),
        ["calendar"] = w => ("/calendar?view=day", false, [new(nameof(Appointment), w.NoaVisit.Id, w.DanVisit.Id)]),
        ["appointment dialog"] = w => ($"/appointments/{w.NoaVisit.Id}", true, [new(nameof(Appointment), w.NoaVisit.Id)]),
        ["appointment page"] = w => ($"/appointments/{w.DanVisit.Id}", false, [new(nameof(Appointment), w.DanVisit.Id)]),
        ["appointment delete dialog"] = w => ($"/appointments/{w.NoaVisit.Id}/delete", true, [new(nameof(Appointment), w.NoaVisit.Id)]),
        ["appointments API list"] = w => ("/api/v1/appointments", false, [new(nameof(Appointment), w.NoaVisit.Id, w.DanVisit.Id)]),
        ["appointments API get"] = w => ($"/api/v1/appointments/{w.DanVisit.Id}", false, [new(nameof(Appointment), w.DanVisit.Id)]),
        ["note page"] = w => ($"/notes/{w.Note.Id}", false, [new(nameof(SessionNote), w.Note.Id)]),
        ["note history"] = w => ($"/notes/{w.Note.Id}/history", false, [new(nameof(SessionNote), w.Note.Id)]),
        ["notes API list"] = w => ($"/api/v1/session-notes?client_id={w.Noa.Id}", false, [new(nameof(SessionNote), w.Note.Id)]),
        ["notes API get"] = w => ($"/api/v1/session-notes/{w.Note.Id}", false, [new(nameof(SessionNote), w.Note.Id)]),
        ["file list"] = w => ($"/files/list?client={w.Noa.Id}", true, [new(nameof(Attachment), w.File)]),
        ["file page"] = w => ($"/files/{w.File}", false, [new(nameof(Attachment), w.File)]),
        ["file download"] = w => ($"/files/{w.File}/content", false, [new(nameof(Attachment), w.File)]),
        ["files API list"] = w => ($"/api/v1/clients/{w.Noa.Id}/attachments", false, [new(nameof(Attachment), w.File)]),
        ["files API get"] = w => ($"/api/v1/clients/{w.Noa.Id}/attachments/{w.File}", false, [new(nameof(Attachment), w.File)]),
        ["files API download"] = w => ($"/api/v1/clients/{w.Noa.Id}/attachments/{w.File}/content", false, [new(nameof(Attachment), w.File)]),
    };

    public static TheoryData<string> ReadPaths() => new(Paths.Keys);

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task Every_read_path_writes_one_read_event_per_kind_naming_what_it_showed(string path)
    {
        var world = await WorldAsync();
        var (url, htmx, expected) = Paths[path](world);
        var before = (await ReadsAsync()).Select(e => e.Id).ToHashSet();

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
            if (url.StartsWith("/clients?")) request.Headers.Add("HX-Target", "client-results");
        }
        var client = url.StartsWith("/api/") ? world.Api : world.Browser;
        var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var recorded = (await ReadsAsync()).Where(e => !before.Contains(e.Id)).ToList();
        Assert.Equal(expected.Select(r => r.Type).Order(), recorded.Select(e => e.ResourceType).Order());
        foreach (var read in expected)
        {
            var audited = Assert.Single(recorded, e => e.ResourceType == read.Type);
            Assert.Equal(read.Ids.Order(), IdsOf(audited).Order());
            Assert.NotNull(audited.UserId);
            Assert.NotNull(JsonNode.Parse(audited.Metadata!)!["via"]);
        }
    }

    [Fact]
    public async Task Nothing_shown_records_nothing_and_another_practices_ids_are_never_named()
    {
        var world = await WorldAsync();
        var other = await App.PracticeAsync("Other Practice", "eli@example.com");
        var theirs = await App.ClientAsync(other.Workspace.Id, "Noa", "Secret");
        var before = (await ReadsAsync()).Count;

        Assert.Equal(HttpStatusCode.OK, (await world.Browser.GetAsync("/calendar?view=day&date=2001-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.Api.GetAsync("/api/v1/clients?q=nobody-by-this-name")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Api.GetAsync($"/api/v1/clients/{theirs.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Browser.GetAsync($"/clients/{theirs.Id}/edit")).StatusCode);
        Assert.Equal(before, (await ReadsAsync()).Count);

        await world.Api.GetAsync("/api/v1/clients?q=Noa");
        var all = await ReadsAsync();
        Assert.DoesNotContain(all, e => IdsOf(e).Contains(theirs.Id));
    }

    private async Task<World> WorldAsync()
    {
        App.AdvanceToNoon();
        var practice = await App.PracticeAsync();
        var noa = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");
        var dan = await App.ClientAsync(practice.Workspace.Id, "Dan", "Levi");
        var now = App.Clock.GetUtcNow();
        var noaVisit = await App.BookAsync(practice.Owner, noa.Id, now.AddHours(-2));
        var danVisit = await App.BookAsync(practice.Owner, dan.Id, now.AddHours(1));
        var note = await App.NoteAsync(practice, noa.Id, noaVisit.Id, finalize: true);
        var api = await App.ApiClientAsync("dana@example.com");
        var upload = await api.PostAsync($"/api/v1/clients/{noa.Id}/attachments",
            AttachmentsApiTests.Multipart(UploadSamples.Png(), "posture.png", "image/png"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = (await upload.JsonAsync())["id"]!.GetValue<Guid>();
        return new World(await App.SignedInAsync("dana@example.com"), api, noa, dan, noaVisit, danVisit, note, file);
    }

    private Task<List<AuditEvent>> ReadsAsync() =>
        App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.Action == AuditAction.Read).ToListAsync());

    /// <summary>The ids a read event names: its resource, or the list in its metadata.</summary>
    private static List<Guid> IdsOf(AuditEvent read) =>
        read.ResourceId is { } id ? [id]
        : JsonNode.Parse(read.Metadata!)!["ids"]!.AsArray().Select(n => n!.GetValue<Guid>()).ToList();
}
