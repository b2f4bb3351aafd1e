using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.ToTable("calendar_feeds", t =>
        {
            t.HasCheckConstraint("ck_calendar_feeds_preset", ModelConventions.InCheck<FeedPrivacyPreset>("privacy_preset"));
            t.HasCheckConstraint("ck_calendar_feeds_window", "window_days_back BETWEEN 0 AND 3660 AND window_days_ahead BETWEEN 1 AND 3660");
        });
        b.Property(f => f.Name).HasMaxLength(CalendarFeed.NameMaxLength);
        // The audit trail records that the token changed, never the hash itself.
        b.Property(f => f.TokenHash).HasMaxLength(64).IsPersonal();
        b.Property(f => f.PrivacyPreset).HasSnakeCaseText();
        b.Property(f => f.LastFetchedUserAgent).HasMaxLength(512);
        b.HasIndex(f => f.TokenHash).IsUnique();
        b.HasIndex(f => new { f.WorkspaceId, f.UserId });
        b.HasOne<User>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(f => f.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
