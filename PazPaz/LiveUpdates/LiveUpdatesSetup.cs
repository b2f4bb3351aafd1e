namespace PazPaz.LiveUpdates;

public static class LiveUpdatesSetup
{
    /// <summary>Open calendars refresh when their practice changes anywhere: PostgreSQL LISTEN/NOTIFY → this instance → server-sent events.</summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services)
    {
        services.AddSingleton<CalendarChanges>();
        services.AddHostedService<CalendarChangeListener>();
        return services;
    }
}
