using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class UserConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users", t =>
        {
            t.HasCheckConstraint("ck_users_role", ModelConventions.InCheck<UserRole>("role"));
            t.HasCheckConstraint("ck_users_email_normalized", "email = lower(btrim(email))");
        });
        b.Property(u => u.Email).HasMaxLength(254).IsPersonal();
        b.Property(u => u.FullName).HasMaxLength(255).IsPersonal();
        b.Property(u => u.Role).HasSnakeCaseText();
        b.Property(u => u.SecurityStamp).HasMaxLength(64).IsPersonal();
        b.Property(u => u.InvitationTokenHash).HasMaxLength(64).IsPersonal();
        b.Property(u => u.TotpSecret).IsEncrypted(encryptor);
        b.Property(u => u.WorkingHours).HasColumnType("jsonb");
        b.HasIndex(u => new { u.WorkspaceId, u.Email }).IsUnique().HasDatabaseName("uq_users_workspace_email");
        b.HasIndex(u => u.Email);
        b.HasOne(u => u.Workspace).WithMany().HasForeignKey(u => u.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
