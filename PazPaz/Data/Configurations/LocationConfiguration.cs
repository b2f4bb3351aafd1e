using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class LocationConfiguration : IEntityTypeConfiguration<Location>
{
    public void Configure(EntityTypeBuilder<Location> b)
    {
        b.ToTable("locations", t =>
        {
            t.HasCheckConstraint("ck_locations_type", ModelConventions.InCheck<LocationType>("location_type"));
            t.HasCheckConstraint("ck_locations_address", "location_type = 'online' OR length(btrim(coalesce(address, ''))) > 0");
        });
        b.Property(l => l.Name).HasMaxLength(255);
        b.Property(l => l.LocationType).HasSnakeCaseText();
        b.HasIndex(l => new { l.WorkspaceId, l.Name }).IsUnique().HasDatabaseName("uq_locations_workspace_name");
        b.HasOne<Workspace>().WithMany().HasForeignKey(l => l.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
