using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        // No foreign keys: the trail must outlive what it describes. The append-only trigger lives in a migration.
        b.ToTable("audit_events", t => t.HasCheckConstraint("ck_audit_events_action", ModelConventions.InCheck<AuditAction>("action")));
        b.Property(a => a.Action).HasSnakeCaseText();
        b.Property(a => a.ResourceType).HasMaxLength(64);
        b.Property(a => a.Changes).HasColumnType("jsonb");
        b.Property(a => a.Metadata).HasColumnType("jsonb");
        b.Property(a => a.IpAddress).HasMaxLength(64);
        b.Property(a => a.UserAgent).HasMaxLength(512);
        // The audit viewer's keyset order, newest first inside one workspace (it also serves the old (workspace_id, occurred_at) uses).
        b.HasIndex(a => new { a.WorkspaceId, a.OccurredAt, a.Id }).IsDescending(false, true, true);
        b.HasIndex(a => new { a.ResourceType, a.ResourceId });
        b.HasIndex(a => a.UserId);
    }
}
