using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> b)
    {
        b.ToTable("notification_deliveries", t =>
        {
            t.HasCheckConstraint("ck_notification_deliveries_status", ModelConventions.InCheck<DeliveryStatus>("status"));
            t.HasCheckConstraint("ck_notification_deliveries_attempts", "attempts >= 0");
        });
        b.Property(d => d.Kind).HasMaxLength(64);
        b.Property(d => d.OccasionKey).HasMaxLength(200);
        b.Property(d => d.Status).HasSnakeCaseText();
        b.Property(d => d.LastError).HasMaxLength(2000);
        // Exactly once: the first insert for an occasion wins, every later one fails on this key.
        b.HasIndex(d => new { d.UserId, d.Kind, d.OccasionKey }).IsUnique().HasDatabaseName("uq_notification_deliveries_occasion");
        // Taking due rows reads ix_notification_deliveries_due on (coalesce(next_attempt_at, due_at), workspace_id) for
        // pending and failed rows, made by migration DeliveryLeases: EF cannot model an index on an expression.
        // The every-minute count of rows left in doubt:
        b.HasIndex(d => d.UpdatedAt).HasFilter("status = 'sending'").HasDatabaseName("ix_notification_deliveries_sending_since");
        b.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
