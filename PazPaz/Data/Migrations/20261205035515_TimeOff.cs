using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class TimeOff : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "time_off_series",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_date = table.Column<DateOnly>(type: "date", nullable: false),
                    start_time = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    duration_minutes = table.Column<int>(type: "integer", nullable: false),
                    interval_weeks = table.Column<int>(type: "integer", nullable: false),
                    weekday_mask = table.Column<int>(type: "integer", nullable: false),
                    week_start = table.Column<int>(type: "integer", nullable: false),
                    until = table.Column<DateOnly>(type: "date", nullable: true),
                    count = table.Column<int>(type: "integer", nullable: true),
                    all_day = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_time_off_series", x => x.id);
                    table.CheckConstraint("ck_time_off_series_duration", "duration_minutes BETWEEN 1 AND 1440");
                    table.CheckConstraint("ck_time_off_series_interval", "interval_weeks BETWEEN 1 AND 52");
                    table.CheckConstraint("ck_time_off_series_span", "until IS NULL OR until < first_date + interval '2 years'");
                    table.CheckConstraint("ck_time_off_series_weekdays", "weekday_mask BETWEEN 1 AND 127");
                    table.ForeignKey(
                        name: "fk_time_off_series_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "time_off",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    label = table.Column<string>(type: "text", nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    all_day = table.Column<bool>(type: "boolean", nullable: false),
                    series_id = table.Column<Guid>(type: "uuid", nullable: true),
                    series_date = table.Column<DateOnly>(type: "date", nullable: true),
                    changed_on_its_own = table.Column<bool>(type: "boolean", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_time_off", x => x.id);
                    table.CheckConstraint("ck_time_off_end_after_start", "ends_at > starts_at");
                    table.CheckConstraint("ck_time_off_max_length", "ends_at - starts_at <= interval '60 days'");
                    table.CheckConstraint("ck_time_off_sequence", "sequence >= 0");
                    table.ForeignKey(
                        name: "fk_time_off_time_off_series_series_id",
                        column: x => x.series_id,
                        principalTable: "time_off_series",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_time_off_users_created_by_user_id",
                        column: x => x.created_by_user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_time_off_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_time_off_created_by_user_id",
                table: "time_off",
                column: "created_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_time_off_series_date",
                table: "time_off",
                columns: new[] { "series_id", "series_date" },
                filter: "series_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_time_off_workspace_time_range",
                table: "time_off",
                columns: new[] { "workspace_id", "starts_at", "ends_at" });

            migrationBuilder.CreateIndex(
                name: "ix_time_off_series_workspace",
                table: "time_off_series",
                column: "workspace_id");

            // Live updates: an open calendar redraws when time off changes, as for appointments.
            migrationBuilder.Sql("""
                CREATE TRIGGER time_off_notify_calendar
                    AFTER INSERT OR UPDATE OR DELETE ON time_off
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER time_off_notify_calendar ON time_off;");

            migrationBuilder.DropTable(
                name: "time_off");

            migrationBuilder.DropTable(
                name: "time_off_series");
        }
    }
}
