using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class ClientConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.ToTable("clients", t => t.HasCheckConstraint("ck_clients_names", "length(btrim(first_name)) > 0 AND length(btrim(last_name)) > 0"));
        // Names, e-mail and phone stay searchable and sortable in SQL; health and contact details are encrypted.
        b.Property(c => c.FirstName).HasMaxLength(255).IsPersonal();
        b.Property(c => c.LastName).HasMaxLength(255).IsPersonal();
        b.Property(c => c.Email).HasMaxLength(254).IsPersonal();
        b.Property(c => c.Phone).HasMaxLength(50).IsPersonal();
        b.Property(c => c.DateOfBirth).IsPersonal();
        b.Property(c => c.Address).IsEncrypted(encryptor);
        b.Property(c => c.MedicalHistory).IsEncrypted(encryptor);
        b.Property(c => c.EmergencyContactName).IsEncrypted(encryptor);
        b.Property(c => c.EmergencyContactPhone).IsEncrypted(encryptor);
        b.Property(c => c.Notes).IsEncrypted(encryptor);
        b.Property(c => c.Tags).IsPersonal();
        b.Ignore(c => c.FullName);
        b.Ignore(c => c.Initials);
        b.HasIndex(c => new { c.WorkspaceId, c.IsActive, c.LastName, c.FirstName });
        b.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
