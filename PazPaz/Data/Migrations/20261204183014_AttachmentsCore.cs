using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <inheritdoc />
    public partial class AttachmentsCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_attachments_size",
                table: "attachments");

            migrationBuilder.AlterColumn<string>(
                name: "file_name",
                table: "attachments",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(255)",
                oldMaxLength: 255);

            migrationBuilder.AddColumn<bool>(
                name: "deleted_with_note",
                table: "attachments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "has_thumbnail",
                table: "attachments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "permanent_delete_after",
                table: "attachments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_attachments_permanent_delete_after",
                table: "attachments",
                column: "permanent_delete_after",
                filter: "deleted_at IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_attachments_deleted",
                table: "attachments",
                sql: "(deleted_at IS NULL) = (permanent_delete_after IS NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_attachments_size",
                table: "attachments",
                sql: "size_bytes > 0 AND size_bytes <= 52428800");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_attachments_permanent_delete_after",
                table: "attachments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_attachments_deleted",
                table: "attachments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_attachments_size",
                table: "attachments");

            migrationBuilder.DropColumn(
                name: "deleted_with_note",
                table: "attachments");

            migrationBuilder.DropColumn(
                name: "has_thumbnail",
                table: "attachments");

            migrationBuilder.DropColumn(
                name: "permanent_delete_after",
                table: "attachments");

            migrationBuilder.AlterColumn<string>(
                name: "file_name",
                table: "attachments",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddCheckConstraint(
                name: "ck_attachments_size",
                table: "attachments",
                sql: "size_bytes > 0 AND size_bytes <= 10485760");
        }
    }
}
