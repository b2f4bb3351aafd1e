using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <summary>
    /// Key rotation (Security/KeyRotation) re-encrypts session-note versions, which the database otherwise refuses to
    /// change: the table's owner (the role that runs migrations, which could drop the trigger anyway) may rewrite the four
    /// texts and nothing else. The app's own role still cannot change a version at all. (The model gains an annotation on
    /// encrypted columns, which changes no table.)
    /// </summary>
    public partial class KeyRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION session_note_versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    texts constant text[] := ARRAY['subjective', 'objective', 'assessment', 'plan'];
                BEGIN
                    IF TG_OP = 'UPDATE'
                       AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
                       AND to_jsonb(NEW) - texts = to_jsonb(OLD) - texts THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'session_note_versions cannot be changed: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION session_note_versions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'session_note_versions cannot be changed: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END;
                $$;
                """);
        }
    }
}
