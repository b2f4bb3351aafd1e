using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PazPaz.Domain;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Audit;

public sealed class AuditTrailTests(PazPazApp app) : AppTest(app)
{
    private Task<List<AuditEvent>> EventsForAsync(Guid resourceId) =>
        App.WithDbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ResourceId == resourceId).OrderBy(a => a.Id).ToListAsync());

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_an_audit_event()
    {
        var practice = await App.PracticeAsync();
        var audited = (await EventsForAsync(practice.Workspace.Id)).First();
        await using var connection = await App.OpenConnectionAsync();

        foreach (var sql in new[] { "UPDATE audit_events SET action = 'read' WHERE id = @id", "DELETE FROM audit_events WHERE id = @id", "TRUNCATE audit_events" })
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection);
            command.Parameters.AddWithValue("id", audited.Id);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText);
        }
        Assert.Equal(AuditAction.Create, (await EventsForAsync(practice.Workspace.Id)).First().Action);
    }

    [Fact]
    public async Task Creating_a_client_records_field_names_but_not_personal_values()
    {
        var practice = await App.PracticeAsync();
        var client = await App.WithDbAsync(async db =>
        {
            var c = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
            c.UpdateHealth(null, "Lower back pain since 2019", null, null, null);
            c.SetConsent(true);
            db.Add(c);
            await db.SaveChangesAsync();
            return c;
        });

        var created = Assert.Single(await EventsForAsync(client.Id));
        Assert.Equal(AuditAction.Create, created.Action);
        Assert.Equal("Client", created.ResourceType);
        Assert.Equal(practice.Workspace.Id, created.WorkspaceId);
        using var changes = JsonDocument.Parse(created.Changes!);
        Assert.Equal(JsonValueKind.Null, changes.RootElement.GetProperty("medical_history").ValueKind);
        Assert.Equal(JsonValueKind.Null, changes.RootElement.GetProperty("first_name").ValueKind);
        Assert.True(changes.RootElement.GetProperty("consent_to_store_data").GetProperty("new").GetBoolean());
        Assert.DoesNotContain("Noa", created.Changes);
        Assert.DoesNotContain("back pain", created.Changes);
    }

    [Fact]
    public async Task An_update_records_old_and_new_values_of_plain_fields_only()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");

        await App.WithDbAsync(async db =>
        {
            var c = await db.Clients.IgnoreQueryFilters().SingleAsync(x => x.Id == client.Id);
            c.Rename("Noa", "Levi");
            c.Archive();
            await db.SaveChangesAsync();
        });

        var update = (await EventsForAsync(client.Id)).Single(e => e.Action == AuditAction.Update);
        using var changes = JsonDocument.Parse(update.Changes!);
        var names = changes.RootElement.EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["is_active", "last_name"], names);
        Assert.False(changes.RootElement.GetProperty("is_active").GetProperty("new").GetBoolean());
        Assert.True(changes.RootElement.GetProperty("is_active").GetProperty("old").GetBoolean());
        Assert.Equal(JsonValueKind.Null, changes.RootElement.GetProperty("last_name").ValueKind);
        Assert.DoesNotContain("Levi", update.Changes);
    }

    [Fact]
    public async Task A_save_that_changes_nothing_records_nothing()
    {
        var practice = await App.PracticeAsync();
        var client = await App.ClientAsync(practice.Workspace.Id, "Noa", "Cohen");

        await App.WithDbAsync(async db =>
        {
            var c = await db.Clients.IgnoreQueryFilters().SingleAsync(x => x.Id == client.Id);
            c.Rename("Noa", "Cohen");
            await db.SaveChangesAsync();
        });

        Assert.Equal([AuditAction.Create], (await EventsForAsync(client.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Health_fields_are_encrypted_in_the_database()
    {
        var practice = await App.PracticeAsync();
        var client = await App.WithDbAsync(async db =>
        {
            var c = Client.Create(practice.Workspace.Id, "Noa", "Cohen");
            c.UpdateHealth(null, "Lower back pain since 2019", null, null, null);
            db.Add(c);
            await db.SaveChangesAsync();
            return c;
        });

        await using var connection = await App.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT medical_history FROM clients WHERE id = @id", (NpgsqlConnection)connection);
        command.Parameters.AddWithValue("id", client.Id);
        var stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.StartsWith("v1:", stored);
        Assert.DoesNotContain("back pain", stored);
        var readBack = await App.WithDbAsync(db => db.Clients.IgnoreQueryFilters().SingleAsync(c => c.Id == client.Id));
        Assert.Equal("Lower back pain since 2019", readBack.MedicalHistory);
    }
}
