using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class BlockedAddressConfiguration : IEntityTypeConfiguration<BlockedAddress>
{
    public void Configure(EntityTypeBuilder<BlockedAddress> b)
    {
        b.ToTable("blocked_addresses");
        b.Property(x => x.Email).HasMaxLength(320);
        b.Property(x => x.Reason).HasMaxLength(BlockedAddress.ReasonMaxLength);
        b.HasIndex(x => x.Email).IsUnique();
    }
}
