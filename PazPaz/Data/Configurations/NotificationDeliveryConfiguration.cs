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
        b.HasIndex(d => new { d.Status, d.NextAttemptAt }).HasFilter("status IN ('pending', 'failed')");
        b.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
