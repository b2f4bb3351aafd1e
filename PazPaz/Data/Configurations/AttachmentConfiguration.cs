using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable("attachments", t =>
        {
            t.HasCheckConstraint("ck_attachments_size", "size_bytes > 0 AND size_bytes <= 10485760");
            t.HasCheckConstraint("ck_attachments_content_type", "content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')");
        });
        b.Property(a => a.FileName).HasMaxLength(255).IsPersonal();
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.StorageKey).HasMaxLength(500);
        b.HasIndex(a => new { a.WorkspaceId, a.ClientId });
        b.HasIndex(a => a.SessionNoteId);
        b.HasIndex(a => a.StorageKey).IsUnique();
        b.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Client>().WithMany().HasForeignKey(a => a.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<SessionNote>().WithMany().HasForeignKey(a => a.SessionNoteId).OnDelete(DeleteBehavior.Restrict);
    }
}
