using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditViewerIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_workspace_id_occurred_at",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_workspace_id_occurred_at_id",
                table: "audit_events",
                columns: new[] { "workspace_id", "occurred_at", "id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_events_workspace_id_occurred_at_id",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_workspace_id_occurred_at",
                table: "audit_events",
                columns: new[] { "workspace_id", "occurred_at" });
        }
    }
}
