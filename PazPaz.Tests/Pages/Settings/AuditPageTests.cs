using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Pages.Settings;

public sealed class AuditPageTests(PazPazApp app) : AppTest(app)
{
    private const string Url = "/settings/audit";
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /// <summary>Seeded events sit two days after the clock, so they come before (and on another day than) what the sign-in records.</summary>
    private DateTimeOffset Later(int seconds = 0) => App.Clock.GetUtcNow().AddDays(2).AddSeconds(seconds);

    private Task<List<AuditEvent>> AddAsync(params AuditEvent[] events) => App.WithDbAsync(async db =>
    {
        db.AuditEvents.AddRange(events);
        await db.SaveChangesAsync();
        return events.ToList();
    });

    private static List<string> Ids(IDocument page) => page.QuerySelectorAll("[data-audit-id]").Select(e => e.GetAttribute("data-audit-id")!).ToList();

    [Fact]
    public async Task Events_are_listed_newest_first_with_who_what_fields_ip_and_browser()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id);
        var w = practice.Workspace.Id;
        var events = await AddAsync(
            AuditEvent.Record(AuditAction.Update, nameof(Client), client.Id, w, practice.Owner.Id, Later(10),
                changes: """{"last_name": null, "is_active": {"old": true, "new": false}}""", ipAddress: "203.0.113.7", userAgent: Chrome),
            AuditEvent.Record(AuditAction.Read, nameof(Client), Guid.NewGuid(), w, practice.Owner.Id, Later(20)),
            AuditEvent.Record(AuditAction.Create, nameof(Service), Guid.NewGuid(), w, null, Later(5)));
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.GetAsync(Url);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        var page = await response.ParseAsync();

        Assert.Equal([events[1].Id.ToString(), events[0].Id.ToString(), events[2].Id.ToString()], Ids(page).Take(3));
        var update = page.QuerySelector($"[data-audit-id='{events[0].Id}']")!;
        Assert.Equal("Dana Levi", update.QuerySelector("[data-field=who]")!.TextContent);
        Assert.Equal("Update", update.QuerySelector("[data-field=action]")!.TextContent);
        Assert.Equal($"/clients/{client.Id}", update.QuerySelector("a[data-field=resource]")!.GetAttribute("href"));
        Assert.Equal("last_name", update.QuerySelector("[data-change=last_name]")!.TextContent);
        Assert.Equal("is_active: true → false", update.QuerySelector("[data-change=is_active]")!.TextContent);
        Assert.Contains("203.0.113.7", update.TextContent);
        Assert.Contains("Chrome on Windows", update.TextContent);
        // A client that no longer exists (or never did here) gets no link; an event with no user is the system's.
        Assert.Null(page.QuerySelector($"[data-audit-id='{events[1].Id}'] a[data-field=resource]"));
        Assert.Equal("System", page.QuerySelector($"[data-audit-id='{events[2].Id}'] [data-field=who]")!.TextContent);
        Assert.Equal("page", page.QuerySelector("nav[aria-label=Settings] a[href='/settings/audit']")!.GetAttribute("aria-current"));
    }

    [Fact]
    public async Task Each_filter_narrows_the_list()
    {
        var practice = await App.PracticeAsync(timeZone: "Asia/Jerusalem");
        var w = practice.Workspace.Id;
        var assistant = await App.AssistantAsync(w);
        var client = await App.ClientAsync(w);
        var other = await App.ClientAsync(w, "Avi", "Mor");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Jerusalem");
        string LocalDay(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd");
        // Half an hour into a local day five days on, which is still the day before in UTC; and an hour before it, the local day before.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), zone).DateTime).AddDays(5);
        var localMidnight = day.ToDateTime(TimeOnly.MinValue);
        var dayStart = new DateTimeOffset(localMidnight, zone.GetUtcOffset(localMidnight));
        var julyFirstLocal = dayStart.AddMinutes(30).ToUniversalTime();
        var events = await AddAsync(
            AuditEvent.Record(AuditAction.Read, nameof(Client), client.Id, w, assistant.Id, Later(1)),
            AuditEvent.Record(AuditAction.Read, nameof(Client), null, w, practice.Owner.Id, Later(2), metadata: $$"""{"via":"list","ids":["{{other.Id}}","{{client.Id}}"]}"""),
            AuditEvent.Record(AuditAction.Update, nameof(Appointment), Guid.NewGuid(), w, practice.Owner.Id, Later(3)),
            AuditEvent.Record(AuditAction.Delete, nameof(Client), other.Id, w, practice.Owner.Id, Later(4)),
            AuditEvent.Record(AuditAction.Export, nameof(Appointment), null, w, practice.Owner.Id, julyFirstLocal),
            AuditEvent.Record(AuditAction.Export, nameof(Appointment), null, w, practice.Owner.Id, julyFirstLocal.AddHours(-1)));
        var browser = await App.SignedInAsync("dana@example.com");

        // The seeded day only, so the events of seeding and signing in stay out of the way.
        var seededDay = $"from={LocalDay(Later())}&to={LocalDay(Later(4))}";
        async Task<List<string>> Shown(string query) => Ids(await browser.GetPageAsync($"{Url}?{query}"));
        string Id(int i) => events[i].Id.ToString();

        Assert.Equal([Id(0)], await Shown($"user={assistant.Id}&{seededDay}"));
        Assert.Equal([Id(2)], await Shown($"action=update&{seededDay}"));
        Assert.Equal([Id(3), Id(1), Id(0)], await Shown($"resource=Client&{seededDay}"));
        Assert.Equal([Id(1), Id(0)], await Shown($"client={client.Id}&{seededDay}"));
        Assert.Equal([Id(4)], await Shown($"from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}"));
        Assert.Equal([Id(5)], await Shown($"from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(-1):yyyy-MM-dd}&action=Export"));
        Assert.Equal([Id(3)], await Shown($"resource=Client&action=Delete&user={practice.Owner.Id}&{seededDay}"));

        // The form keeps what was chosen.
        var page = await browser.GetPageAsync($"{Url}?action=Read&from={day:yyyy-MM-dd}");
        Assert.Equal("Read", page.QuerySelector<AngleSharp.Html.Dom.IHtmlSelectElement>("#audit-action")!.Value);
        Assert.Equal($"{day:yyyy-MM-dd}", page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#audit-from")!.Value);
    }

    [Fact]
    public async Task Keyset_pages_have_no_gaps_or_repeats_when_timestamps_are_equal()
    {
        var practice = await App.PracticeAsync();
        var w = practice.Workspace.Id;
        var same = Later();
        // 130 events, 70 of them at one instant, so pages break inside a run of equal timestamps.
        var seeded = Enumerable.Range(0, 130).Select(i => AuditEvent.Record(AuditAction.Read, "PagingProbe", Guid.NewGuid(), w, practice.Owner.Id,
            i < 70 ? same : same.AddSeconds(-i))).ToArray();
        await AddAsync(seeded);
        var expected = seeded.OrderByDescending(e => e.OccurredAt).Select(e => e.Id).ToList();
        var browser = await App.SignedInAsync("dana@example.com");

        var seen = new List<string>();
        var pages = 0;
        string? next = $"{Url}?resource=PagingProbe";
        while (next is not null)
        {
            var page = await browser.GetPageAsync(next);
            var ids = Ids(page);
            Assert.InRange(ids.Count, 1, 50);
            seen.AddRange(ids);
            pages++;
            next = page.QuerySelector("a[rel=next]")?.GetAttribute("href");
            if (next is not null) Assert.Contains("resource=PagingProbe", next);
        }

        Assert.Equal(3, pages);
        Assert.Equal(130, seen.Distinct().Count());
        Assert.Equal(130, seen.Count);
        // Newest first; among equal instants the order is by id, the same order PostgreSQL sorts uuids in.
        var times = seeded.ToDictionary(e => e.Id.ToString(), e => e.OccurredAt);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => times[p.First] >= times[p.Second]));
        Assert.Equal(expected.ToHashSet(), seen.Select(Guid.Parse).ToHashSet());
    }

    [Fact]
    public async Task Another_practice_events_never_appear_and_its_ids_in_filters_find_nothing()
    {
        var mine = await App.PracticeAsync();
        var theirs = await App.PracticeAsync("Other Place", "eli@example.com");
        var theirClient = await App.ClientAsync(theirs.Workspace.Id);
        var foreign = await AddAsync(
            AuditEvent.Record(AuditAction.Read, nameof(Client), theirClient.Id, theirs.Workspace.Id, theirs.Owner.Id, Later(1)),
            AuditEvent.Record(AuditAction.Export, nameof(Appointment), null, theirs.Workspace.Id, theirs.Owner.Id, Later(2)));
        var browser = await App.SignedInAsync("dana@example.com");

        var all = await browser.GetAsync(Url);
        var body = await all.Content.ReadAsStringAsync();
        foreach (var e in foreign) Assert.DoesNotContain(e.Id.ToString(), body);
        Assert.Empty(Ids(await browser.GetPageAsync($"{Url}?user={theirs.Owner.Id}")));
        Assert.Empty(Ids(await browser.GetPageAsync($"{Url}?client={theirClient.Id}")));

        var csv = await (await browser.GetAsync($"{Url}?handler=Csv")).Content.ReadAsStringAsync();
        foreach (var e in foreign) Assert.DoesNotContain(e.ResourceId?.ToString() ?? e.Id.ToString(), csv);
        Assert.DoesNotContain(theirs.Owner.Id.ToString(), csv);
    }

    [Fact]
    public async Task An_assistant_gets_403_with_the_reason_on_the_page_and_the_export()
    {
        var practice = await App.PracticeAsync();
        await App.AssistantAsync(practice.Workspace.Id);
        var browser = await App.SignedInAsync("ruth@example.com");

        foreach (var url in new[] { Url, $"{Url}?handler=Csv", $"{Url}?handler=Csv&action=Read" })
        {
            var response = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("Only the practice owner can see the audit trail.", await response.Content.ReadAsStringAsync());
        }
        var exports = await App.WithDbAsync(db => db.AuditEvents.IgnoreWall()
            .CountAsync(e => e.WorkspaceId == practice.Workspace.Id && e.Action == AuditAction.Export));
        Assert.Equal(0, exports);
    }

    [Fact]
    public async Task The_csv_has_a_header_the_filtered_rows_escaped_formulas_and_is_itself_audited()
    {
        var practice = await App.PracticeAsync();
        var w = practice.Workspace.Id;
        var events = await AddAsync(
            AuditEvent.Record(AuditAction.Read, nameof(Client), Guid.NewGuid(), w, practice.Owner.Id, Later(1),
                ipAddress: "+1-555", userAgent: "=HYPERLINK(\"http://evil.example\")"),
            AuditEvent.Record(AuditAction.Read, nameof(Client), Guid.NewGuid(), w, practice.Owner.Id, Later(2), userAgent: "@SUM(A1)", ipAddress: "-2"),
            AuditEvent.Record(AuditAction.Update, nameof(Client), Guid.NewGuid(), w, practice.Owner.Id, Later(3)));
        var browser = await App.SignedInAsync("dana@example.com");

        // The export link on the page carries the filters.
        var page = await browser.GetPageAsync($"{Url}?action=Read&resource=Client");
        var link = page.QuerySelector("[data-testid=audit-export]")!.GetAttribute("href")!;
        Assert.Contains("handler=Csv", link);
        var response = await browser.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("occurred_at_utc,occurred_at_local,user_id,user,action,resource_type,resource_id,changes,metadata,ip_address,browser,user_agent", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(events[1].ResourceId.ToString()!, lines[1]);
        Assert.Contains(events[0].ResourceId.ToString()!, lines[2]);
        Assert.Contains(",Dana Levi,Read,Client,", lines[1]);
        Assert.Contains("'@SUM(A1)", lines[1]);
        Assert.Contains("'-2", lines[1]);
        Assert.Contains("'+1-555", lines[2]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"", lines[2]);
        foreach (var line in lines.Skip(1))
            Assert.DoesNotMatch("(^|,)[=+@-]", line);

        var export = await App.WithDbAsync(db => db.AuditEvents.IgnoreWall()
            .SingleAsync(e => e.WorkspaceId == w && e.Action == AuditAction.Export && e.ResourceType == nameof(AuditEvent)));
        Assert.Equal(practice.Owner.Id, export.UserId);
        using var metadata = JsonDocument.Parse(export.Metadata!);
        Assert.Equal(2, metadata.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("Read", metadata.RootElement.GetProperty("filters").GetProperty("action").GetString());
        Assert.Equal("Client", metadata.RootElement.GetProperty("filters").GetProperty("resource_type").GetString());
        Assert.DoesNotContain("Dana", export.Metadata);
    }

    [Fact]
    public async Task A_large_export_streams_every_row_past_the_writer_buffer()
    {
        var practice = await App.PracticeAsync();
        var agent = "Mozilla/5.0 " + new string('x', 480);
        // ~3,000 rows of ~600 bytes: well past the CSV writer's 64 KiB buffer, so it must write to the response as it goes.
        await AddAsync(Enumerable.Range(0, 3000).Select(i => AuditEvent.Record(AuditAction.Read, "ExportProbe", Guid.NewGuid(),
            practice.Workspace.Id, practice.Owner.Id, Later(i), userAgent: agent)).ToArray());
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.GetAsync($"{Url}?handler=Csv&resource=ExportProbe");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3001, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",Read,ExportProbe,", line));
    }

    [Theory]
    [InlineData("user=nobody")]
    [InlineData("action=3")]
    [InlineData("action=Read,Update")]
    [InlineData("resource=%27%3B%20drop%20table")]
    [InlineData("client=not-a-guid")]
    [InlineData("from=31%2F12%2F2026")]
    [InlineData("from=0001-01-01")]
    [InlineData("to=9999-12-31")]
    [InlineData("from=2026-05-02&to=2026-05-01")]
    [InlineData("before=abc")]
    [InlineData("before=99999999999999999999_0")]
    [InlineData("before=-5_00000000000000000000000000000000")]
    public async Task Junk_filters_get_a_message_never_a_500(string query)
    {
        await App.PracticeAsync();
        var browser = await App.SignedInAsync("dana@example.com");

        var response = await browser.GetAsync($"{Url}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.ParseAsync();
        Assert.NotNull(page.QuerySelector(".field-error"));
        Assert.Empty(Ids(page));

        var csv = await browser.GetAsync($"{Url}?handler=Csv&{query}");
        // The export ignores the page cursor; every other junk value is refused with its message.
        if (query.StartsWith("before=")) Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(await csv.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task The_first_and_a_deep_page_walk_the_workspace_index()
    {
        var practice = await App.PracticeAsync();
        await using var connection = await App.OpenConnectionAsync();
        // Enough rows, and fresh statistics, that the planner has a real choice.
        await using (var seed = connection.CreateCommand())
        {
            seed.CommandText = $"""
                INSERT INTO audit_events (id, workspace_id, user_id, action, resource_type, resource_id, occurred_at)
                SELECT gen_random_uuid(), '{practice.Workspace.Id}', NULL, 'read', 'IndexProbe', NULL, now() - g * interval '1 second'
                FROM generate_series(1, 20000) g;
                ANALYZE audit_events;
                """;
            await seed.ExecuteNonQueryAsync();
        }
        foreach (var cursor in new[] { "", $"AND (occurred_at, id) < (now() - interval '15000 seconds', '{Guid.Empty}')" })
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = $"""
                EXPLAIN SELECT * FROM audit_events WHERE workspace_id = '{practice.Workspace.Id}' {cursor}
                ORDER BY occurred_at DESC, id DESC LIMIT 51
                """;
            var plan = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
            var text = string.Join("\n", plan);
            Assert.Contains("ix_audit_events_workspace_id_occurred_at_id", text);
            Assert.DoesNotContain("Sort", text);
        }
    }
}
