using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PazPaz.Data.Migrations
{
    /// <summary>
    /// Open calendars refresh when their workspace's appointments change: every write, whichever path made it, notifies
    /// channel <c>pazpaz_calendar</c> with the workspace id (no other data). NOTIFY is transactional, so it is sent on
    /// commit only, and PostgreSQL folds identical notifications of one transaction into one. Client and service names
    /// show on the calendar, so renaming either notifies too.
    /// </summary>
    public partial class LiveUpdatesNotify : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('pazpaz_calendar', (CASE WHEN TG_OP = 'DELETE' THEN OLD.workspace_id ELSE NEW.workspace_id END)::text);
                    RETURN NULL;
                END;
                $$;

                CREATE TRIGGER appointments_notify_calendar
                    AFTER INSERT OR UPDATE OR DELETE ON appointments
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();

                CREATE TRIGGER clients_notify_calendar
                    AFTER UPDATE OF first_name, last_name ON clients
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();

                CREATE TRIGGER services_notify_calendar
                    AFTER UPDATE OF name ON services
                    FOR EACH ROW EXECUTE FUNCTION notify_calendar_changed();
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER services_notify_calendar ON services;
                DROP TRIGGER clients_notify_calendar ON clients;
                DROP TRIGGER appointments_notify_calendar ON appointments;
                DROP FUNCTION notify_calendar_changed();
                """);
        }
    }
}
