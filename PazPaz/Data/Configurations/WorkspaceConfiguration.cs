using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.ToTable("workspaces", t =>
        {
            t.HasCheckConstraint("ck_workspaces_status", ModelConventions.InCheck<WorkspaceStatus>("status"));
            t.HasCheckConstraint("ck_workspaces_storage", "storage_used_bytes >= 0 AND storage_quota_bytes >= 0");
        });
        b.Property(w => w.Name).HasMaxLength(255);
        b.Property(w => w.TimeZone).HasMaxLength(64);
        b.Property(w => w.Status).HasSnakeCaseText();
        b.Property(w => w.Version).IsRowVersion(); // xmin
        b.HasIndex(w => w.Status);
    }
}
