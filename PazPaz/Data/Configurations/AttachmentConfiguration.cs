using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class AttachmentConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable("attachments", t =>
        {
            // The upload limit is 10 MiB; re-encoding an image can make it somewhat larger, never unboundedly so.
            t.HasCheckConstraint("ck_attachments_size", "size_bytes > 0 AND size_bytes <= 52428800");
            t.HasCheckConstraint("ck_attachments_content_type", "content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')");
            t.HasCheckConstraint("ck_attachments_deleted", "(deleted_at IS NULL) = (permanent_delete_after IS NULL)");
        });
        // "MRI Dana Levi.pdf": the name a therapist gives a file is personal, so it is encrypted like the notes.
        b.Property<string?>(nameof(Attachment.FileName)).IsEncrypted(encryptor);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.StorageKey).HasMaxLength(500);
        b.Ignore(a => a.IsDeleted);
        b.Ignore(a => a.IsPdf);
        b.Ignore(a => a.ThumbnailKey);
        b.HasIndex(a => new { a.WorkspaceId, a.ClientId });
        b.HasIndex(a => a.SessionNoteId);
        b.HasIndex(a => a.StorageKey).IsUnique();
        b.HasIndex(a => a.PermanentDeleteAfter).HasFilter("deleted_at IS NOT NULL");
        b.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<SessionNote>().WithMany().HasForeignKey(a => a.SessionNoteId).OnDelete(DeleteBehavior.Restrict);
    }
}
