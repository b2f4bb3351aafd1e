using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class PlatformAdminConsole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_user_sessions_end_reason",
                table: "user_sessions");

            migrationBuilder.CreateTable(
                name: "blocked_addresses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    blocked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_blocked_addresses", x => x.id);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_user_sessions_end_reason",
                table: "user_sessions",
                sql: "end_reason IN ('sign_out', 'ended_by_user', 'everywhere', 'workspace_suspended', 'address_blocked')");

            migrationBuilder.CreateIndex(
                name: "ix_blocked_addresses_email",
                table: "blocked_addresses",
                column: "email",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blocked_addresses");

            migrationBuilder.DropCheckConstraint(
                name: "ck_user_sessions_end_reason",
                table: "user_sessions");

            migrationBuilder.AddCheckConstraint(
                name: "ck_user_sessions_end_reason",
                table: "user_sessions",
                sql: "end_reason IN ('sign_out', 'ended_by_user', 'everywhere')");
        }
    }
}
