using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PazPaz.Audit;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Data;

public static class DataSetup
{
    public static IServiceCollection AddPazPazData(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = WithPreparedStatements(configuration.GetConnectionString("Default"));
        services.AddSingleton(StartupCheck.Encryptor(configuration));
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<ClientDirectoryCache>();
        services.AddDbContext<PazPazDb>((sp, o) => o
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(sp.GetRequiredService<AuditInterceptor>())
            // Sign-in links reach users across the wall on purpose, always with IgnoreQueryFilters.
            .ConfigureWarnings(w => w.Ignore(CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning)));
        services.AddScoped<AuditLog>();
        services.AddScoped<PlaintextEncryption>();
        services.AddScoped<Security.KeyRotation>();
        services.AddHostedService<PlaintextEncryptionAtStartup>();
        services.AddScoped<ReadAudit>();
        services.AddDataProtection().SetApplicationName("PazPaz").PersistKeysToDbContext<PazPazDb>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
            o => o.XmlEncryptor = new FieldKeyXmlEncryptor(sp.GetRequiredService<FieldEncryptor>())));
        return services;
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs most often unless told otherwise: the same few queries run
    /// on every request, and preparing them halves their cost (see bench/RESULTS.md).
    /// </summary>
    private static string? WithPreparedStatements(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return connectionString;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 20;
        return builder.ConnectionString;
    }

    /// <summary>Applies migrations (as the owner role when there is one, see <see cref="SchemaOwner"/>) and the demo workspace when asked, before the first request is served.</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PazPazOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        if (options.MigrateOnStartup) await SchemaOwner.MigrateAsync(scope.ServiceProvider, db);
        if (options.SeedDemo) await DemoWorkspace.EnsureAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>());
    }
}
