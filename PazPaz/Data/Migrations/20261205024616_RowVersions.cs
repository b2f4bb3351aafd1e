using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <summary>
    /// Appointments, clients, workspaces and notification settings use PostgreSQL's xmin as their concurrency token. xmin
    /// is a system column every row already has: the model records it, and there is nothing to create or drop.
    /// </summary>
    public partial class RowVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
