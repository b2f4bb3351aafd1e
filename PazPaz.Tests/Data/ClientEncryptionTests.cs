using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Security;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Data;

public sealed class ClientEncryptionTests(PazPazApp app) : AppTest(app)
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private async Task<List<string?>> RawAsync(string sql)
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
            for (var i = 0; i < reader.FieldCount; i++) values.Add(reader.IsDBNull(i) ? null : reader.GetValue(i).ToString());
        return values;
    }

    [Fact]
    public async Task Client_identity_and_appointment_notes_are_stored_encrypted()
    {
        var practice = await App.PracticeAsync();
        var client = await App.WithDbAsync(async db =>
        {
            var c = Client.Create(practice.Workspace.Id, new ClientDetails("Noam-Ilana", "Cohen-Zedek", "noa@sea.example", "050-1234567",
                new DateOnly(1990, 4, 2), Tags: ["sports", "knee"]), Today);
            db.Add(c);
            db.Add(Appointment.Create(practice.Workspace.Id, c.Id, App.Clock.GetUtcNow().AddDays(1), App.Clock.GetUtcNow().AddDays(1).AddHours(1),
                LocationType.Home, locationDetails: "Herzl 12, third floor", notes: "Bring the knee brace"));
            await db.SaveChangesAsync();
            return c;
        });

        var clientColumns = await RawAsync("select first_name, last_name, email, phone, date_of_birth, tags from clients");
        var appointmentColumns = await RawAsync("select notes, location_details from appointments");

        Assert.Equal(6, clientColumns.Count);
        Assert.Equal(2, appointmentColumns.Count);
        foreach (var stored in clientColumns.Concat(appointmentColumns))
        {
            Assert.StartsWith("v1:", stored);
            foreach (var plain in new[] { "Noam-Ilana", "Cohen-Zedek", "noa@sea.example", "050-1234567", "1990-04-02", "sports", "knee", "Herzl 12", "brace" })
                Assert.DoesNotContain(plain, stored!);
        }
        var read = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Noam-Ilana", "Cohen-Zedek", "noa@sea.example", "050-1234567", new DateOnly(1990, 4, 2)),
            (read.FirstName, read.LastName, read.Email, read.Phone, read.DateOfBirth));
        Assert.Equal(["sports", "knee"], read.Tags);
        var appointment = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Herzl 12, third floor", "Bring the knee brace"), (appointment.LocationDetails, appointment.Notes));
        Assert.Equal(client.Id, appointment.ClientId);
    }

    [Fact]
    public async Task Search_by_a_prefix_of_name_email_or_phone_finds_the_client_and_never_one_of_another_workspace()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        await App.WithDbAsync(async db =>
        {
            db.Add(Client.Create(practice.Workspace.Id, new ClientDetails("Noa", "Ben-David", "noa.bd@sea.example", "+972-50-555-1234"), Today));
            db.Add(Client.Create(other.Workspace.Id, new ClientDetails("Noa", "Ben-David", "noa.bd@sea.example", "+972-50-555-1234"), Today));
            await db.SaveChangesAsync();
        });
        var api = await App.ApiClientAsync("dana@example.com");

        foreach (var q in new[] { "no", "NOA", "dav", "ben", "noa.b", "sea", "5551234", "50-555", "noa dav" })
        {
            var list = await (await api.GetAsync($"/api/v1/clients?q={Uri.EscapeDataString(q)}")).JsonAsync();
            var items = list["items"]!.AsArray();
            Assert.True(items.Count == 1, $"q={q} found {items.Count}");
            Assert.Equal(practice.Workspace.Id, items[0]!["workspace_id"]!.GetValue<Guid>());
        }
        Assert.Empty((await (await api.GetAsync("/api/v1/clients?q=zzz")).JsonAsync())["items"]!.AsArray());

        var browser = await App.SignedInAsync("dana@example.com");
        var options = await browser.GetPageAsync("/appointments/clients?client_query=dav");
        Assert.Single(options.QuerySelectorAll("[role=option][data-client-id]"));
        var page = await browser.GetPageAsync("/clients?q=555");
        Assert.Single(page.QuerySelectorAll("#client-results [data-testid=client-name]"));
    }

    [Fact]
    public async Task Searches_follow_every_change_to_the_clients_whoever_makes_it()
    {
        // The decrypted directory is kept in memory between searches (ClientDirectoryCache): a change written straight to
        // the database, as another instance or a job would, must show on the next search all the same.
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var other = await App.PracticeAsync("Harbour Physio", "ruth@example.com");
        var noa = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
        await App.WithDbAsync(async db =>
        {
            db.AddRange(noa, Client.Create(other.Workspace.Id, "Noa", "Levi"));
            await db.SaveChangesAsync();
        });
        var api = await App.ApiClientAsync("dana@example.com");
        var browser = await App.SignedInAsync("dana@example.com");
        async Task<string[]> SearchAsync(string q) => [.. (await (await api.GetAsync($"/api/v1/clients?q={q}&include_inactive=true")).JsonAsync())["items"]!
            .AsArray().Select(c => c!["full_name"]!.GetValue<string>())];
        async Task<int> OfferedAsync(string q) =>
            (await browser.GetPageAsync($"/appointments/clients?client_query={q}")).QuerySelectorAll("[role=option][data-client-id]").Length;
        async Task ChangeAsync(Action<Client> change) => await App.WithDbAsync(async db =>
        {
            change(await db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == noa.Id));
            await db.SaveChangesAsync();
        });

        Assert.Equal(["Noa Cohen"], await SearchAsync("noa"));
        Assert.Equal(1, await OfferedAsync("noa"));

        await ChangeAsync(c => c.Rename("Noa", "Levi"));
        Assert.Equal(["Noa Levi"], await SearchAsync("levi")); // and never the other practice's Noa Levi
        Assert.Empty(await SearchAsync("cohen"));

        await ChangeAsync(c => c.Archive());
        Assert.Equal(0, await OfferedAsync("noa"));
        Assert.Equal(["Noa Levi"], await SearchAsync("noa"));

        await App.WithDbAsync(async db =>
        {
            db.Add(Client.Create(practice.Workspace.Id, "Noam", "Azoulay"));
            await db.SaveChangesAsync();
        });
        Assert.Equal(["Noam Azoulay", "Noa Levi"], await SearchAsync("noa"));

        await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().Where(c => c.Id == noa.Id).ExecuteDeleteAsync());
        Assert.Equal(["Noam Azoulay"], await SearchAsync("noa"));

        var ruth = await App.ApiClientAsync("ruth@example.com");
        var theirs = (await (await ruth.GetAsync("/api/v1/clients?q=noa")).JsonAsync())["items"]!.AsArray();
        Assert.Equal("Noa Levi", Assert.Single(theirs)!["full_name"]!.GetValue<string>());
        Assert.Equal(other.Workspace.Id, theirs[0]!["workspace_id"]!.GetValue<Guid>());
    }

    private async Task<Dictionary<string, int>> EncryptPlaintextAsync()
    {
        using var scope = App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PlaintextEncryption>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_start_up_step_encrypts_a_plaintext_row_and_the_app_reads_it_before_and_after()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        var clientId = Guid.CreateVersion7();
        var appointmentId = Guid.CreateVersion7();
        await using (var connection = await App.OpenConnectionAsync())
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO clients (id, workspace_id, first_name, last_name, email, phone, date_of_birth, tags, consent_to_store_data,
                                     hide_name_outside_paz_paz, is_active, created_at, updated_at)
                VALUES (@client, @ws, 'Émile', 'Zola', 'emile@paris.example', '01 23 45 67', '1940-04-02', '["writer"]', true, false, true, now(), now());
                INSERT INTO appointments (id, workspace_id, client_id, scheduled_start, scheduled_end, location_type, location_details, status, notes,
                                          created_at, updated_at, edit_count, sequence)
                VALUES (@appointment, @ws, @client, now(), now() + interval '1 hour', 'home', 'Rue de Paris 1', 'scheduled', 'Old note', now(), now(), 0, 0);
                """, (NpgsqlConnection)connection);
            command.Parameters.AddWithValue("client", clientId);
            command.Parameters.AddWithValue("appointment", appointmentId);
            command.Parameters.AddWithValue("ws", practice.Workspace.Id);
            await command.ExecuteNonQueryAsync();
        }
        var browser = await App.SignedInAsync("dana@example.com");
        Assert.Contains("Zola, Émile", (await browser.GetPageAsync("/clients?q=emi")).QuerySelector("#client-results")!.TextContent);

        var rewritten = await EncryptPlaintextAsync();

        Assert.Equal((1, 1), (rewritten["clients"], rewritten["appointments"]));
        foreach (var stored in (await RawAsync("select first_name, last_name, email, phone, date_of_birth, tags from clients"))
                     .Concat(await RawAsync("select notes, location_details from appointments")))
            Assert.StartsWith("v1:", stored);
        var client = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Émile", "Zola", "emile@paris.example", "01 23 45 67", new DateOnly(1940, 4, 2)),
            (client.FirstName, client.LastName, client.Email, client.Phone, client.DateOfBirth));
        Assert.Equal(["writer"], client.Tags);
        var appointment = await App.WithDbAsync(db => db.Appointments.IgnoreQueryFilters().SingleAsync());
        Assert.Equal(("Rue de Paris 1", "Old note"), (appointment.LocationDetails, appointment.Notes));
        Assert.Contains("Zola, Émile", (await browser.GetPageAsync("/clients?q=zol")).QuerySelector("#client-results")!.TextContent);
        // A second run finds nothing left to do.
        var again = await EncryptPlaintextAsync();
        Assert.Equal(0, again.Values.Sum());
    }

    [Fact]
    public async Task Clients_are_sorted_by_last_then_first_name_ignoring_case_and_accents()
    {
        var practice = await App.PracticeAsync(email: "dana@example.com");
        await App.WithDbAsync(async db =>
        {
            foreach (var (first, last) in new[] { ("zoe", "Émond"), ("Avi", "edelman"), ("Noa", "EDEN"), ("ábel", "Eden"), ("Dan", "Abadi") })
                db.Add(Client.Create(practice.Workspace.Id, first, last));
            await db.SaveChangesAsync();
        });
        var browser = await App.SignedInAsync("dana@example.com");

        var names = (await browser.GetPageAsync("/clients")).QuerySelectorAll("#client-results [data-testid=client-name]").Select(e => e.TextContent.Trim());

        Assert.Equal(["Abadi, Dan", "edelman, Avi", "Eden, ábel", "EDEN, Noa", "Émond, zoe"], names);
        var api = await App.ApiClientAsync("dana@example.com");
        var second = await (await api.GetAsync("/api/v1/clients?page=2&page_size=2")).JsonAsync();
        Assert.Equal(["Eden", "EDEN"], second["items"]!.AsArray().Select(i => i!["last_name"]!.GetValue<string>()));
        Assert.Equal(5, second["total"]!.GetValue<int>());
    }
}

public sealed class ClientDirectoryTests
{
    /// <summary>
    /// A large practice's search in memory: 3,000 clients' encrypted fields decrypted, matched by the start of a word and
    /// sorted by last then first name. (Its speed belongs to bench/, not here: a test must not depend on the machine.)
    /// </summary>
    [Fact]
    public void Searching_three_thousand_encrypted_clients_finds_each_match_in_name_order()
    {
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1);
        var stored = Enumerable.Range(0, 3000).Select(i => (Id: Guid.CreateVersion7(), First: encryptor.Encrypt($"First{i}"),
            Last: encryptor.Encrypt($"Last{i % 700}"), Email: encryptor.Encrypt($"client{i}@example.com"), Phone: encryptor.Encrypt($"050-{i:0000000}"))).ToList();

        var entries = stored.Select(s => new ClientDirectory.Entry(s.Id, encryptor.DecryptOrPlain(s.First), encryptor.DecryptOrPlain(s.Last),
            encryptor.DecryptOrPlain(s.Email), encryptor.DecryptOrPlain(s.Phone), true)).ToList();
        var found = entries.Matching("last12").SortedByName();

        // "last12" starts Last12 and Last120–Last129: 11 last names, each shared by the clients i ≡ n (mod 700).
        var expected = Enumerable.Range(0, 3000).Where(i => $"Last{i % 700}".StartsWith("Last12", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Count, found.Count);
        Assert.Equal(found.OrderBy(e => e.LastName.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(e => e.FirstName.ToLowerInvariant(), StringComparer.Ordinal)
            .ThenBy(e => e.Id).Select(e => e.Id), found.Select(e => e.Id));
        Assert.Equal(["050-0000012"], entries.Matching("0500000012").Select(e => e.Phone));
    }

    [Fact]
    public void Plaintext_is_read_as_it_is_and_ciphertext_is_decrypted()
    {
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1);
        Assert.Equal("Noa", encryptor.DecryptOrPlain("Noa"));
        Assert.Equal("v:1", encryptor.DecryptOrPlain("v:1"));
        Assert.Equal("Noa", encryptor.DecryptOrPlain(encryptor.Encrypt("Noa")));
        Assert.Throws<CryptographicException>(() => encryptor.DecryptOrPlain("v2:AAAA"));
    }
}
