namespace PazPaz.LiveUpdates;

public static class LiveUpdatesSetup
{
    /// <summary>Open calendars refresh when their practice changes anywhere: PostgreSQL LISTEN/NOTIFY → this instance → server-sent events.</summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services, bool listen = true)
    {
        services.AddSingleton<CalendarChanges>();
        if (listen) services.AddHostedService<CalendarChangeListener>(); // a worker has no streams to wake
        return services;
    }
}
