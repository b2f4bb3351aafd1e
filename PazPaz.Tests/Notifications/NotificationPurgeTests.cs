using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Domain;
using PazPaz.Notifications;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Notifications;

public sealed class NotificationPurgeTests(PazPazApp app) : AppTest(app)
{
    private Task AddAsync(Guid workspaceId, Guid userId, string key, Action<NotificationDelivery> outcome) => App.WithDbAsync(async db =>
    {
        var delivery = NotificationDelivery.Claim(workspaceId, userId, NotificationKinds.TodayDigest, key, App.Clock.GetUtcNow());
        outcome(delivery);
        db.Add(delivery);
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task The_daily_purge_forgets_deliveries_done_over_ninety_days_ago_and_keeps_the_rest()
    {
        var practice = await App.PracticeAsync();
        var (w, u) = (practice.Workspace.Id, practice.Owner.Id);
        await AddAsync(w, u, "date:old-sent", d => { d.StartSending(App.Clock.GetUtcNow()); d.MarkSent(App.Clock.GetUtcNow()); });
        await AddAsync(w, u, "date:old-skipped", d => d.Skip("Nothing to say.", App.Clock.GetUtcNow()));
        await AddAsync(w, u, "date:old-failed", d => { d.StartSending(App.Clock.GetUtcNow()); d.MarkFailed("down", App.Clock.GetUtcNow()); });
        await AddAsync(w, u, "date:old-pending", _ => { });
        App.Clock.Advance(NotificationJob.KeepFor + TimeSpan.FromDays(1));
        await AddAsync(w, u, "date:new-sent", d => { d.StartSending(App.Clock.GetUtcNow()); d.MarkSent(App.Clock.GetUtcNow()); });

        int purged;
        using (var scope = App.Services.CreateScope())
            purged = await scope.ServiceProvider.GetRequiredService<NotificationJob>().PurgeAsync();

        Assert.Equal(2, purged);
        var left = await App.WithDbAsync(db => db.NotificationDeliveries.IgnoreWall().Select(d => d.OccasionKey).OrderBy(k => k).ToListAsync());
        Assert.Equal(["date:new-sent", "date:old-failed", "date:old-pending"], left);
    }
}
