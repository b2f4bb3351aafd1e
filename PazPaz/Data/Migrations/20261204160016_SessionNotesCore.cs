using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionNotesCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "session_notes",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateIndex(
                name: "ix_session_notes_permanent_delete_after",
                table: "session_notes",
                column: "permanent_delete_after",
                filter: "deleted_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_session_notes_workspace_id_updated_at",
                table: "session_notes",
                columns: new[] { "workspace_id", "updated_at" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_session_notes_amended",
                table: "session_notes",
                sql: "(status = 'amended') = (amendment_count > 0)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_session_notes_deleted",
                table: "session_notes",
                sql: "(deleted_at IS NULL) = (permanent_delete_after IS NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_session_notes_finalized",
                table: "session_notes",
                sql: "(status = 'draft' AND current_version = 0 AND finalized_at IS NULL) OR (status <> 'draft' AND current_version >= 1 AND finalized_at IS NOT NULL)");

            // A version is a finalized text of the clinical record: the database refuses to change one. (Rows are only
            // removed with their note by the purge of notes deleted over 30 days ago, which can never be amended ones.)
            migrationBuilder.Sql("""
                CREATE FUNCTION session_note_versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'session_note_versions cannot be changed: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END;
                $$;

                CREATE TRIGGER session_note_versions_no_update
                    BEFORE UPDATE ON session_note_versions
                    FOR EACH ROW EXECUTE FUNCTION session_note_versions_are_immutable();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER session_note_versions_no_update ON session_note_versions;
                DROP FUNCTION session_note_versions_are_immutable();
                """);

            migrationBuilder.DropIndex(
                name: "ix_session_notes_permanent_delete_after",
                table: "session_notes");

            migrationBuilder.DropIndex(
                name: "ix_session_notes_workspace_id_updated_at",
                table: "session_notes");

            migrationBuilder.DropCheckConstraint(
                name: "ck_session_notes_amended",
                table: "session_notes");

            migrationBuilder.DropCheckConstraint(
                name: "ck_session_notes_deleted",
                table: "session_notes");

            migrationBuilder.DropCheckConstraint(
                name: "ck_session_notes_finalized",
                table: "session_notes");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "session_notes");
        }
    }
}
