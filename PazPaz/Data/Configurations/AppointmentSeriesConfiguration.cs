using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class AppointmentSeriesConfiguration : IEntityTypeConfiguration<AppointmentSeries>
{
    public void Configure(EntityTypeBuilder<AppointmentSeries> b)
    {
        b.ToTable("appointment_series", t =>
        {
            t.HasCheckConstraint("ck_appointment_series_interval", "interval_weeks BETWEEN 1 AND 52");
            t.HasCheckConstraint("ck_appointment_series_weekdays", "weekday_mask BETWEEN 1 AND 127");
            t.HasCheckConstraint("ck_appointment_series_duration", "duration_minutes BETWEEN 1 AND 1440");
            t.HasCheckConstraint("ck_appointment_series_span", "until IS NULL OR until < first_date + interval '2 years'");
        });
        b.Property(s => s.WeekStart).HasConversion<int>();
        b.HasIndex(s => new { s.WorkspaceId, s.ClientId }).HasDatabaseName("ix_appointment_series_workspace_client");
        b.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
