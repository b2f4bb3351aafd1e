using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class UserNotificationSettingsConfiguration : IEntityTypeConfiguration<UserNotificationSettings>
{
    private const string HhMm = "'^([01][0-9]|2[0-3]):[0-5][0-9]$'";
    private const string Days = "'{0,1,2,3,4,5,6}'::integer[]";

    public void Configure(EntityTypeBuilder<UserNotificationSettings> b)
    {
        b.ToTable("user_notification_settings", t =>
        {
            t.HasCheckConstraint("ck_notification_settings_digest_time", $"digest_time ~ {HhMm}");
            t.HasCheckConstraint("ck_notification_settings_tomorrow_digest_time", $"tomorrow_digest_time ~ {HhMm}");
            t.HasCheckConstraint("ck_notification_settings_notes_reminder_time", $"notes_reminder_time ~ {HhMm}");
            t.HasCheckConstraint("ck_notification_settings_reminder_minutes", "reminder_minutes IN (15, 30, 60, 120, 1440)");
            t.HasCheckConstraint("ck_notification_settings_digest_days", $"digest_days <@ {Days}");
            t.HasCheckConstraint("ck_notification_settings_tomorrow_digest_days", $"tomorrow_digest_days <@ {Days}");
        });
        b.Property(s => s.Version).IsRowVersion(); // xmin
        b.Property(s => s.DigestTime).HasMaxLength(5);
        b.Property(s => s.TomorrowDigestTime).HasMaxLength(5);
        b.Property(s => s.NotesReminderTime).HasMaxLength(5);
        b.Property(s => s.ExtendedSettings).HasColumnType("jsonb");
        b.HasIndex(s => s.UserId).IsUnique();
        b.HasIndex(s => new { s.WorkspaceId, s.UserId }).HasDatabaseName("idx_user_notification_settings_workspace_user");
        // Partial indexes for the batch jobs: only users who want that e-mail.
        b.HasIndex(s => s.DigestTime).HasDatabaseName("idx_user_notification_settings_digest").HasFilter("email_enabled AND digest_enabled");
        b.HasIndex(s => s.TomorrowDigestTime).HasDatabaseName("idx_user_notification_settings_tomorrow_digest").HasFilter("email_enabled AND tomorrow_digest_enabled");
        b.HasIndex(s => s.ReminderMinutes).HasDatabaseName("idx_user_notification_settings_reminder").HasFilter("email_enabled AND reminder_enabled");
        b.HasOne<User>().WithOne().HasForeignKey<UserNotificationSettings>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
