using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <summary>
    /// Taking e-mails to send is a lease (<c>next_attempt_at</c> set to its end), no longer a change of status: due rows are
    /// the pending and failed ones whose <c>coalesce(next_attempt_at, due_at)</c> has come, read in that order by an index
    /// on the expression (which EF cannot model, hence SQL). Rows left Sending by a worker that stopped mid-send are
    /// counted every minute through a small partial index.
    /// </summary>
    public partial class DeliveryLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_notification_deliveries_status_next_attempt_at",
                table: "notification_deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_sending_since",
                table: "notification_deliveries",
                column: "updated_at",
                filter: "status = 'sending'");

            migrationBuilder.Sql("""
                CREATE INDEX ix_notification_deliveries_due ON notification_deliveries ((coalesce(next_attempt_at, due_at)), workspace_id)
                WHERE status IN ('pending', 'failed');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_notification_deliveries_due;");

            migrationBuilder.DropIndex(
                name: "ix_notification_deliveries_sending_since",
                table: "notification_deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_notification_deliveries_status_next_attempt_at",
                table: "notification_deliveries",
                columns: new[] { "status", "next_attempt_at" },
                filter: "status IN ('pending', 'failed')");
        }
    }
}
