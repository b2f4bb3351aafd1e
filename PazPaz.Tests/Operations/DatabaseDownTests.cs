using System.Net;
using System.Net.Sockets;
using Hangfire;
using Hangfire.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PazPaz.Operations;

namespace PazPaz.Tests.Operations;

/// <summary>
/// The app pointed at a port where nothing listens, as when PostgreSQL is down: every request that needs the database
/// answers 503 with Retry-After (API: problem details; pages: a friendly page), never 500.
/// </summary>
public sealed class DatabaseDownTests : IClassFixture<DatabaseDownTests.AppWithoutDatabase>
{
    private readonly AppWithoutDatabase app;

    public DatabaseDownTests(AppWithoutDatabase app) => this.app = app;

    [Theory]
    [InlineData("/api/v1/clients")]
    [InlineData("/api/v1/appointments")]
    [InlineData("/api/v1/workspace")]
    public async Task The_api_answers_503_with_retry_after_while_the_database_is_down(string path)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", "pzp_" + new string('a', 43));

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("temporarily unavailable", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/sign-in")]
    [InlineData("/sign-in/link?token=abc")]
    public async Task Pages_answer_a_friendly_503_with_retry_after_while_the_database_is_down(string path)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("temporarily unavailable", html);
        Assert.Contains("<html", html);
        Assert.DoesNotContain("Exception", html);
    }

    [Fact]
    public void Connection_failures_count_as_unavailable_and_other_database_errors_do_not()
    {
        Assert.True(DatabaseUnavailable.Is(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseUnavailable.Is(new NpgsqlException("Exception while reading", new TimeoutException())));
        Assert.True(DatabaseUnavailable.Is(new InvalidOperationException("retry", new NpgsqlException("Failed", new IOException()))));
        Assert.True(DatabaseUnavailable.Is(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.True(DatabaseUnavailable.Is(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.False(DatabaseUnavailable.Is(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(DatabaseUnavailable.Is(new InvalidOperationException("a bug")));
    }

    /// <summary>No database at all: nothing listens on port 1; no migration at start, no job registration.</summary>
    public sealed class AppWithoutDatabase : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Default", "Host=127.0.0.1;Port=1;Username=postgres;Database=pazpaz_down;Timeout=3");
            builder.UseSetting("PazPaz:MigrateOnStartup", "false");
            builder.UseSetting("PazPaz:SeedDemo", "false");
            builder.UseSetting("PazPaz:PublicBaseUrl", "http://localhost");
            builder.UseSetting("Smtp:Host", "");
            builder.UseSetting("Email:PickupDirectory", Path.Combine(Path.GetTempPath(), "pazpaz-tests-down-mail"));
            builder.UseSetting("Storage:Provider", "Disk");
            builder.UseSetting("Storage:Disk:Root", Path.Combine(Path.GetTempPath(), "pazpaz-tests-down-files"));
            builder.UseSetting("Jobs:RunInWebApp", "false");
            // Registering the recurring jobs at start needs the database; this app starts without one.
            builder.ConfigureTestServices(services => services.AddSingleton<IRecurringJobManager, NoJobs>());
        }

        private sealed class NoJobs : IRecurringJobManager
        {
            public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) { }
            public void Trigger(string recurringJobId) { }
            public void RemoveIfExists(string recurringJobId) { }
        }
    }
}
