using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class EncryptClientIdentity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The live-update trigger names the columns it watches, which PostgreSQL refuses to retype under it.
            migrationBuilder.Sql("DROP TRIGGER clients_notify_calendar ON clients;");

            migrationBuilder.DropIndex(
                name: "ix_clients_workspace_id_is_active_last_name_first_name",
                table: "clients");

            // Tags become one JSON array and the date its ISO text: the plaintext forms the entity's converters read (and
            // encrypt) until PlaintextEncryption has encrypted every row. Names, e-mail and phone only lose their length limit.
            migrationBuilder.Sql("ALTER TABLE clients ALTER COLUMN tags TYPE text USING to_json(tags)::text;");

            migrationBuilder.AlterColumn<string>(
                name: "phone",
                table: "clients",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(50)",
                oldMaxLength: 50,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "last_name",
                table: "clients",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "first_name",
                table: "clients",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AlterColumn<string>(
                name: "email",
                table: "clients",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(254)",
                oldMaxLength: 254,
                oldNullable: true);

            migrationBuilder.Sql("ALTER TABLE clients ALTER COLUMN date_of_birth TYPE text USING to_char(date_of_birth, 'YYYY-MM-DD');");

            migrationBuilder.CreateIndex(
                name: "ix_clients_workspace_id_is_active",
                table: "clients",
                columns: new[] { "workspace_id", "is_active" });

            migrationBuilder.Sql("""
                CREATE TRIGGER clients_notify_calendar
                    AFTER UPDATE OF first_name, last_name ON clients
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The live-update trigger names the columns it watches, which PostgreSQL refuses to retype under it.
            migrationBuilder.Sql("DROP TRIGGER clients_notify_calendar ON clients;");

            migrationBuilder.DropIndex(
                name: "ix_clients_workspace_id_is_active",
                table: "clients");

            // Only while the values are still plaintext (before PlaintextEncryption ran): ciphertext is neither JSON nor a date.
            migrationBuilder.Sql("""
                ALTER TABLE clients ADD COLUMN tags_array text[] NOT NULL DEFAULT '{}';
                UPDATE clients SET tags_array = ARRAY(SELECT json_array_elements_text(tags::json));
                ALTER TABLE clients DROP COLUMN tags;
                ALTER TABLE clients RENAME COLUMN tags_array TO tags;
                ALTER TABLE clients ALTER COLUMN tags DROP DEFAULT;
                """);

            migrationBuilder.AlterColumn<string>(
                name: "phone",
                table: "clients",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "last_name",
                table: "clients",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "first_name",
                table: "clients",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "email",
                table: "clients",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.Sql("ALTER TABLE clients ALTER COLUMN date_of_birth TYPE date USING date_of_birth::date;");

            migrationBuilder.CreateIndex(
                name: "ix_clients_workspace_id_is_active_last_name_first_name",
                table: "clients",
                columns: new[] { "workspace_id", "is_active", "last_name", "first_name" });

            migrationBuilder.Sql("""
                CREATE TRIGGER clients_notify_calendar
                    AFTER UPDATE OF first_name, last_name ON clients
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();
                """);
        }
    }
}
