using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class AppointmentConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.ToTable("appointments", t =>
        {
            t.HasCheckConstraint("ck_appointments_end_after_start", "scheduled_end > scheduled_start");
            t.HasCheckConstraint("ck_appointments_max_length", "scheduled_end - scheduled_start <= interval '24 hours'");
            t.HasCheckConstraint("ck_appointments_status", ModelConventions.InCheck<AppointmentStatus>("status"));
            t.HasCheckConstraint("ck_appointments_location_type", ModelConventions.InCheck<LocationType>("location_type"));
            t.HasCheckConstraint("ck_appointments_counters", "edit_count >= 0 AND sequence >= 0");
        });
        b.Property(a => a.Status).HasSnakeCaseText();
        b.Property(a => a.Version).IsRowVersion(); // xmin
        b.Property(a => a.LocationType).HasSnakeCaseText();
        b.Property(a => a.Notes).IsEncryptedAfterPlaintext(encryptor);
        b.Property(a => a.LocationDetails).IsEncryptedAfterPlaintext(encryptor);
        // The seed's indexes: conflict detection and calendar ranges, a client's timeline, status filters.
        b.HasIndex(a => new { a.WorkspaceId, a.ScheduledStart, a.ScheduledEnd }).HasDatabaseName("ix_appointments_workspace_time_range");
        b.HasIndex(a => new { a.WorkspaceId, a.ClientId, a.ScheduledStart }).HasDatabaseName("ix_appointments_workspace_client_time");
        b.HasIndex(a => new { a.WorkspaceId, a.Status }).HasDatabaseName("ix_appointments_workspace_status");
        b.HasIndex(a => new { a.WorkspaceId, a.UpdatedAt }).HasDatabaseName("ix_appointments_workspace_updated");
        // The reminder job's scan: appointments still to come across all practices, by start.
        b.HasIndex(a => a.ScheduledStart).HasDatabaseName("ix_appointments_upcoming_reminders")
            .HasFilter("status = 'scheduled' AND deleted_at IS NULL");
        // A series' sessions in its order, for "5 of 12" and the scoped edits.
        b.HasIndex(a => new { a.SeriesId, a.SeriesDate }).HasDatabaseName("ix_appointments_series_date").HasFilter("series_id IS NOT NULL");
        b.HasOne<AppointmentSeries>().WithMany().HasForeignKey(a => a.SeriesId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.Client).WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.Service).WithMany().HasForeignKey(a => a.ServiceId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(a => a.Location).WithMany().HasForeignKey(a => a.LocationId).OnDelete(DeleteBehavior.SetNull);
    }
}
