using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class ServiceConfiguration : IEntityTypeConfiguration<Service>
{
    public void Configure(EntityTypeBuilder<Service> b)
    {
        b.ToTable("services", t => t.HasCheckConstraint("ck_services_duration", "default_duration_minutes > 0 AND default_duration_minutes <= 1440"));
        b.Property(s => s.Name).HasMaxLength(255);
        b.HasIndex(s => new { s.WorkspaceId, s.Name }).IsUnique().HasDatabaseName("uq_services_workspace_name");
        b.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
