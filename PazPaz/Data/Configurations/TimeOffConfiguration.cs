using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class TimeOffConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<TimeOff>
{
    public void Configure(EntityTypeBuilder<TimeOff> b)
    {
        b.ToTable("time_off", t =>
        {
            t.HasCheckConstraint("ck_time_off_end_after_start", "ends_at > starts_at");
            t.HasCheckConstraint("ck_time_off_max_length", "ends_at - starts_at <= interval '60 days'");
            t.HasCheckConstraint("ck_time_off_sequence", "sequence >= 0");
        });
        // The practice's own words ("IVF appointment", "Funeral"): encrypted like the clinical text, never in a feed.
        b.Property(t => t.Label).IsEncrypted(encryptor);
        // The conflict check and the calendar's ranges: (workspace, start, end), bounded below by start − 60 days.
        b.HasIndex(t => new { t.WorkspaceId, t.StartsAt, t.EndsAt }).HasDatabaseName("ix_time_off_workspace_time_range");
        b.HasIndex(t => new { t.SeriesId, t.SeriesDate }).HasDatabaseName("ix_time_off_series_date").HasFilter("series_id IS NOT NULL");
        b.HasOne<TimeOffSeries>().WithMany().HasForeignKey(t => t.SeriesId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class TimeOffSeriesConfiguration : IEntityTypeConfiguration<TimeOffSeries>
{
    public void Configure(EntityTypeBuilder<TimeOffSeries> b)
    {
        b.ToTable("time_off_series", t =>
        {
            t.HasCheckConstraint("ck_time_off_series_interval", "interval_weeks BETWEEN 1 AND 52");
            t.HasCheckConstraint("ck_time_off_series_weekdays", "weekday_mask BETWEEN 1 AND 127");
            t.HasCheckConstraint("ck_time_off_series_duration", "duration_minutes BETWEEN 1 AND 1440");
            t.HasCheckConstraint("ck_time_off_series_span", "until IS NULL OR until < first_date + interval '2 years'");
        });
        b.Property(s => s.WeekStart).HasConversion<int>();
        b.HasIndex(s => s.WorkspaceId).HasDatabaseName("ix_time_off_series_workspace");
        b.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
