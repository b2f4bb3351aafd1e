using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PazPaz.Domain;

namespace PazPaz.Data.Configurations;

public sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.ToTable("invitations", t =>
        {
            t.HasCheckConstraint("ck_invitations_kind", ModelConventions.InCheck<InvitationKind>("kind"));
            t.HasCheckConstraint("ck_invitations_status", ModelConventions.InCheck<InvitationStatus>("status"));
            t.HasCheckConstraint("ck_invitations_role", ModelConventions.InCheck<UserRole>("role"));
            t.HasCheckConstraint("ck_invitations_email_normalized", "email = lower(btrim(email))");
            // An assistant joins an existing practice; a therapist's is named (and made when accepting).
            t.HasCheckConstraint("ck_invitations_practice",
                "(kind = 'assistant' AND workspace_id IS NOT NULL) OR (kind = 'therapist' AND workspace_name IS NOT NULL AND time_zone IS NOT NULL)");
        });
        b.Property(i => i.Kind).HasSnakeCaseText();
        b.Property(i => i.Status).HasSnakeCaseText();
        b.Property(i => i.Role).HasSnakeCaseText();
        b.Property(i => i.Email).HasMaxLength(254).IsPersonal();
        b.Property(i => i.FullName).HasMaxLength(255).IsPersonal();
        b.Property(i => i.WorkspaceName).HasMaxLength(255);
        b.Property(i => i.TimeZone).HasMaxLength(64);
        // Personal: the audit trail names the field but never keeps the hash.
        b.Property(i => i.TokenHash).HasMaxLength(64).IsPersonal();
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.HasIndex(i => new { i.WorkspaceId, i.Status });
        b.HasIndex(i => i.Email);
        b.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(i => i.InvitedByUserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<User>().WithMany().HasForeignKey(i => i.AcceptedUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
