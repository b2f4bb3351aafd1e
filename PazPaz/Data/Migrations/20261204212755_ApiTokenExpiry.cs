using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiTokenExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expires_at",
                table: "api_tokens",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "api_tokens");
        }
    }
}
