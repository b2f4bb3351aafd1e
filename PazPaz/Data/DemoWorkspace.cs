using Microsoft.EntityFrameworkCore;
using PazPaz.Domain;

namespace PazPaz.Data;

/// <summary>The practice ./run.sh shows: one therapist, ten clients, two weeks of appointments in Asia/Jerusalem.</summary>
public static class DemoWorkspace
{
    public const string OwnerEmail = "demo@pazpaz.local";
    public const string TimeZoneId = "Asia/Jerusalem";

    public static async Task EnsureAsync(PazPazDb db, TimeProvider clock)
    {
        if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == OwnerEmail)) return;

        var now = clock.GetUtcNow();
        var workspace = Workspace.Create("Dana Levi Physiotherapy", TimeZoneId, now);
        var owner = User.Create(workspace.Id, OwnerEmail, "Dana Levi", UserRole.Owner, now);
        db.AddRange(workspace, owner, UserNotificationSettings.CreateDefaults(workspace.Id, owner.Id, WorkingWeek.Default(workspace.TimeZone)));

        Service[] services =
        [
            Service.Create(workspace.Id, "Initial assessment", 60, "History, examination and a treatment plan."),
            Service.Create(workspace.Id, "Follow-up treatment", 45),
            Service.Create(workspace.Id, "Sports massage", 60),
        ];
        var clinic = Location.Create(workspace.Id, "Clinic — Dizengoff", LocationType.Clinic, "Dizengoff St 120, Tel Aviv", "Room 2");
        var online = Location.Create(workspace.Id, "Video call", LocationType.Online, null, "Link sent by e-mail");
        db.AddRange(services);
        db.AddRange(clinic, online);

        (string First, string Last)[] names =
        [
            ("Noa", "Cohen"), ("Yossi", "Mizrahi"), ("Maya", "Peretz"), ("Amit", "Biton"), ("Tamar", "Friedman"),
            ("Omer", "Avraham"), ("Shira", "Katz"), ("Eitan", "Goldberg"), ("Lior", "Shapiro"), ("Rivka", "Azoulay"),
        ];
        var clients = names.Select((n, i) =>
        {
            var client = Client.Create(workspace.Id, n.First, n.Last);
            client.UpdateContact($"{n.First.ToLowerInvariant()}.{n.Last.ToLowerInvariant()}@example.com", $"+972-50-555-{1000 + i * 37}", null);
            client.SetConsent(true);
            if (i == 3) client.SetHideNameOutsidePazPaz(true);
            return client;
        }).ToList();
        db.AddRange(clients);

        // Weekdays Sunday–Thursday (the Israeli working week) of this week and next, a few sessions a day.
        var zone = TimeZones.Find(TimeZoneId);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var weekStart = today.AddDays(-(int)today.DayOfWeek);
        int[] hours = [9, 11, 14, 16];
        var n = 0;
        for (var day = 0; day < 14; day++)
        {
            var date = weekStart.AddDays(day);
            if (date.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday) continue;
            foreach (var hour in hours.Where((_, i) => (day + i) % 3 != 0))
            {
                var service = services[n % services.Length];
                var location = n % 4 == 3 ? online : clinic;
                var start = TimeZones.ToUtc(date.ToDateTime(new TimeOnly(hour, 0)), zone);
                var appointment = Appointment.Create(workspace.Id, clients[n % clients.Count].Id, start, start.AddMinutes(service.DefaultDurationMinutes),
                    location.LocationType, service.Id, location.Id, location.Details);
                if (appointment.ScheduledEnd < now) appointment.Complete(now);
                db.Add(appointment);
                n++;
            }
        }
        await db.SaveChangesAsync();
    }
}
