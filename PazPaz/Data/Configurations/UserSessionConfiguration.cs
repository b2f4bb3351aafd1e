using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions", t =>
        {
            t.HasCheckConstraint("ck_user_sessions_expiry", "expires_at > signed_in_at");
            t.HasCheckConstraint("ck_user_sessions_end_reason", ModelConventions.InCheck<SessionEndReason>("end_reason"));
        });
        b.Property(s => s.EndReason).HasConversion(new ValueConverter<SessionEndReason, string>(
            v => ModelConventions.SnakeCase(v.ToString()), s => Enum.Parse<SessionEndReason>(s.Replace("_", ""), true))).HasMaxLength(32);
        b.Property(s => s.IpAddress).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(512);
        // Settings → Sessions lists a user's open sessions.
        b.HasIndex(s => s.UserId).HasFilter("ended_at IS NULL");
        b.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class SignInCounterConfiguration : IEntityTypeConfiguration<SignInCounter>
{
    public void Configure(EntityTypeBuilder<SignInCounter> b)
    {
        b.ToTable("sign_in_counters");
        b.HasKey(c => new { c.Key, c.WindowStart });
        b.Property(c => c.Key).HasMaxLength(400);
        b.HasIndex(c => c.WindowStart);
    }
}
