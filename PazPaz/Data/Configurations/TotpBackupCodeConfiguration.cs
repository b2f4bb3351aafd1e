using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class TotpBackupCodeConfiguration : IEntityTypeConfiguration<TotpBackupCode>
{
    public void Configure(EntityTypeBuilder<TotpBackupCode> b)
    {
        b.ToTable("totp_backup_codes");
        b.Property(c => c.Salt).HasMaxLength(32).IsPersonal();
        b.Property(c => c.Hash).HasMaxLength(64).IsPersonal();
        b.HasIndex(c => c.UserId);
        b.HasIndex(c => c.WorkspaceId);
        b.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
