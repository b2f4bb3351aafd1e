using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public sealed class SessionNoteConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<SessionNote>
{
    public void Configure(EntityTypeBuilder<SessionNote> b)
    {
        b.ToTable("session_notes", t =>
        {
            t.HasCheckConstraint("ck_session_notes_status", ModelConventions.InCheck<SessionNoteStatus>("status"));
            t.HasCheckConstraint("ck_session_notes_duration", "duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 480");
            // A finalized or amended note has its first version and its time; a draft has neither.
            t.HasCheckConstraint("ck_session_notes_finalized",
                "(status = 'draft' AND current_version = 0 AND finalized_at IS NULL) OR (status <> 'draft' AND current_version >= 1 AND finalized_at IS NOT NULL)");
            t.HasCheckConstraint("ck_session_notes_amended", "(status = 'amended') = (amendment_count > 0)");
            t.HasCheckConstraint("ck_session_notes_deleted", "(deleted_at IS NULL) = (permanent_delete_after IS NULL)");
        });
        // xmin, PostgreSQL's own row version: no column to keep up to date, and it changes on every write.
        b.Property(n => n.Revision).IsRowVersion();
        b.Property(n => n.Subjective).IsEncrypted(encryptor);
        b.Property(n => n.Objective).IsEncrypted(encryptor);
        b.Property(n => n.Assessment).IsEncrypted(encryptor);
        b.Property(n => n.Plan).IsEncrypted(encryptor);
        // A reason may name the client or their health ("wrong client", "referred on"): encrypted like the text.
        b.Property(n => n.DeletedReason).IsEncrypted(encryptor);
        b.Property(n => n.Status).HasSnakeCaseText();
        b.Ignore(n => n.IsDraft);
        b.Ignore(n => n.IsDeleted);
        b.Ignore(n => n.WasAmended);
        // A client's timeline (newest first) and the API's updated_since; the purge job's scan of deleted notes.
        b.HasIndex(n => new { n.WorkspaceId, n.ClientId, n.SessionDate });
        b.HasIndex(n => new { n.WorkspaceId, n.UpdatedAt });
        b.HasIndex(n => n.PermanentDeleteAfter).HasFilter("deleted_at IS NOT NULL");
        // One note per appointment (a deleted one does not block writing a new one).
        b.HasIndex(n => n.AppointmentId).IsUnique().HasFilter("appointment_id IS NOT NULL AND deleted_at IS NULL");
        b.HasOne<Workspace>().WithMany().HasForeignKey(n => n.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(n => n.Client).WithMany().HasForeignKey(n => n.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(n => n.Appointment).WithMany().HasForeignKey(n => n.AppointmentId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(n => n.Versions).WithOne().HasForeignKey(v => v.SessionNoteId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class SessionNoteVersionConfiguration(FieldEncryptor encryptor) : IEntityTypeConfiguration<SessionNoteVersion>
{
    public void Configure(EntityTypeBuilder<SessionNoteVersion> b)
    {
        b.ToTable("session_note_versions", t => t.HasCheckConstraint("ck_session_note_versions_number", "version_number >= 1"));
        b.Property(v => v.Subjective).IsEncrypted(encryptor);
        b.Property(v => v.Objective).IsEncrypted(encryptor);
        b.Property(v => v.Assessment).IsEncrypted(encryptor);
        b.Property(v => v.Plan).IsEncrypted(encryptor);
        b.HasIndex(v => new { v.SessionNoteId, v.VersionNumber }).IsUnique();
        b.HasOne<Workspace>().WithMany().HasForeignKey(v => v.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
    }
}
