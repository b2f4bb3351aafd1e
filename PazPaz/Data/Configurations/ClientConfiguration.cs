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
        // Every personal field is encrypted. Search and sorting decrypt one workspace's names in memory: see ClientDirectory.
        b.Property(c => c.FirstName).IsEncryptedAfterPlaintext(encryptor);
        b.Property(c => c.LastName).IsEncryptedAfterPlaintext(encryptor);
        b.Property(c => c.Email).IsEncryptedAfterPlaintext(encryptor);
        b.Property(c => c.Phone).IsEncryptedAfterPlaintext(encryptor);
        b.Property(c => c.DateOfBirth).IsEncryptedAfterPlaintext(encryptor);
        b.Property(c => c.Address).IsEncrypted(encryptor);
        b.Property(c => c.MedicalHistory).IsEncrypted(encryptor);
        b.Property(c => c.EmergencyContactName).IsEncrypted(encryptor);
        b.Property(c => c.EmergencyContactPhone).IsEncrypted(encryptor);
        b.Property(c => c.Notes).IsEncrypted(encryptor);
        b.Property(c => c.Tags).IsEncryptedAfterPlaintext(encryptor);
        b.Ignore(c => c.FullName);
        b.Property(c => c.Version).IsRowVersion(); // xmin
        b.Ignore(c => c.Initials);
        b.HasIndex(c => new { c.WorkspaceId, c.IsActive });
        b.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
