namespace PazPaz.Notes;

public static class NotesSetup
{
    public static IServiceCollection AddPazPazNotes(this IServiceCollection services)
    {
        services.AddScoped<SessionNotes>();
        services.AddScoped<SessionNotePurgeJob>();
        return services;
    }
}
