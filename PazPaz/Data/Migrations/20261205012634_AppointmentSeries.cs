using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class AppointmentSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "changed_on_its_own",
                table: "appointments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateOnly>(
                name: "series_date",
                table: "appointments",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "series_id",
                table: "appointments",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "appointment_series",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_date = table.Column<DateOnly>(type: "date", nullable: false),
                    start_time = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    duration_minutes = table.Column<int>(type: "integer", nullable: false),
                    interval_weeks = table.Column<int>(type: "integer", nullable: false),
                    weekday_mask = table.Column<int>(type: "integer", nullable: false),
                    week_start = table.Column<int>(type: "integer", nullable: false),
                    until = table.Column<DateOnly>(type: "date", nullable: true),
                    count = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_appointment_series", x => x.id);
                    table.CheckConstraint("ck_appointment_series_duration", "duration_minutes BETWEEN 1 AND 1440");
                    table.CheckConstraint("ck_appointment_series_interval", "interval_weeks BETWEEN 1 AND 52");
                    table.CheckConstraint("ck_appointment_series_span", "until IS NULL OR until < first_date + interval '2 years'");
                    table.CheckConstraint("ck_appointment_series_weekdays", "weekday_mask BETWEEN 1 AND 127");
                    table.ForeignKey(
                        name: "fk_appointment_series_clients_client_id",
                        column: x => x.client_id,
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_appointment_series_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_appointments_series_date",
                table: "appointments",
                columns: new[] { "series_id", "series_date" },
                filter: "series_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_appointment_series_client_id",
                table: "appointment_series",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_appointment_series_workspace_client",
                table: "appointment_series",
                columns: new[] { "workspace_id", "client_id" });

            migrationBuilder.AddForeignKey(
                name: "fk_appointments_appointment_series_series_id",
                table: "appointments",
                column: "series_id",
                principalTable: "appointment_series",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_appointments_appointment_series_series_id",
                table: "appointments");

            migrationBuilder.DropTable(
                name: "appointment_series");

            migrationBuilder.DropIndex(
                name: "ix_appointments_series_date",
                table: "appointments");

            migrationBuilder.DropColumn(
                name: "changed_on_its_own",
                table: "appointments");

            migrationBuilder.DropColumn(
                name: "series_date",
                table: "appointments");

            migrationBuilder.DropColumn(
                name: "series_id",
                table: "appointments");
        }
    }
}
