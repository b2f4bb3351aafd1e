using Microsoft.Extensions.Configuration;
using PazPaz.Operations;

namespace PazPaz.Tests.Operations;

public sealed class ConfigurationTests
{
    private static IReadOnlyList<string> ProblemsWith(Dictionary<string, string?> settings) =>
        StartupCheck.Problems(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static Dictionary<string, string?> Valid() => new()
    {
        ["ConnectionStrings:Default"] = "Host=db;Database=pazpaz",
        ["PazPaz:PublicBaseUrl"] = "https://pazpaz.example.com",
        ["Smtp:Host"] = "smtp.example.com",
        ["Smtp:Port"] = "587",
        ["Smtp:From"] = "PazPaz <no-reply@example.com>",
        ["Encryption:CurrentKeyVersion"] = "1",
        ["Encryption:Keys:1"] = Convert.ToBase64String(new byte[32]),
    };

    [Fact]
    public void A_complete_configuration_has_no_problems() => Assert.Empty(ProblemsWith(Valid()));

    [Fact]
    public void Missing_settings_are_each_named()
    {
        var problems = ProblemsWith(new Dictionary<string, string?>());
        Assert.Contains(problems, p => p.Contains("ConnectionStrings__Default"));
        Assert.Contains(problems, p => p.Contains("PazPaz__PublicBaseUrl"));
        Assert.Contains(problems, p => p.Contains("Smtp__Host"));
        Assert.Contains(problems, p => p.Contains("Encryption__Keys__1"));
    }

    [Fact]
    public void An_owner_role_for_migrations_beside_the_apps_role_has_no_problems()
    {
        var settings = Valid();
        settings["ConnectionStrings:Default"] = "Host=db;Database=pazpaz;Username=pazpaz_app;Password=a";
        settings["ConnectionStrings:Migrations"] = "Host=db;Database=pazpaz;Username=pazpaz;Password=b";
        Assert.Empty(ProblemsWith(settings));
    }

    [Theory]
    [InlineData("", "Host=db;Database=pazpaz;Username=pazpaz_app", "ConnectionStrings__Migrations is empty")]
    [InlineData("Host=db;Nonsense=1", "Host=db;Database=pazpaz;Username=pazpaz_app", "ConnectionStrings__Migrations")]
    [InlineData("Host=db;Database=other;Username=pazpaz", "Host=db;Database=pazpaz;Username=pazpaz_app", "same Database")]
    [InlineData("Host=db;Database=pazpaz;Username=pazpaz", "Host=db;Database=pazpaz", "needs Username=")]
    [InlineData("Host=db;Database=pazpaz;Username=pazpaz", "Host=db;Bogus=2", "ConnectionStrings__Default is not a valid")]
    public void A_bad_pair_of_connection_strings_is_named(string migrations, string app, string expected)
    {
        var settings = Valid();
        settings["ConnectionStrings:Default"] = app;
        settings["ConnectionStrings:Migrations"] = migrations;
        Assert.Contains(ProblemsWith(settings), p => p.Contains(expected));
    }

    [Theory]
    [InlineData("PazPaz:PublicBaseUrl", "pazpaz.example.com", "PazPaz__PublicBaseUrl")]
    [InlineData("Smtp:Port", "70000", "Smtp__Port")]
    [InlineData("Smtp:From", "not an address", "Smtp__From")]
    [InlineData("Encryption:Keys:1", "c2hvcnQ=", "32 bytes")]
    [InlineData("Encryption:Keys:1", "%%%", "not base64")]
    [InlineData("Encryption:CurrentKeyVersion", "2", "version 2")]
    public void An_invalid_setting_is_explained(string key, string value, string expected)
    {
        var settings = Valid();
        settings[key] = value;
        Assert.Contains(ProblemsWith(settings), p => p.Contains(expected));
    }

    [Fact]
    public void Without_smtp_a_pickup_folder_is_enough()
    {
        var settings = Valid();
        settings["Smtp:Host"] = "";
        settings["Email:PickupDirectory"] = "/var/mail/pazpaz";
        Assert.Empty(ProblemsWith(settings));
    }
}

public sealed class ProductionStartTests
{
    [Fact]
    public async Task Production_refuses_to_start_without_its_settings_and_says_why()
    {
        var appDll = Path.Combine(AppContext.BaseDirectory, "PazPaz.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [appDll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Default"] = "";
        start.Environment["PazPaz__PublicBaseUrl"] = "";

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var message = await error;
        Assert.Contains("PazPaz cannot start", message);
        Assert.Contains("ConnectionStrings__Default", message);
        Assert.Contains("Encryption__Keys__1", message);
    }
}

/// <summary>The process role and the /metrics settings are checked at start-up like every other setting.</summary>
public sealed class RoleAndMetricsConfigurationTests
{
    private static IReadOnlyList<string> ProblemsWith(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = "Host=db;Database=pazpaz",
            ["PazPaz:PublicBaseUrl"] = "https://pazpaz.example.com",
            ["Email:PickupDirectory"] = "/tmp/mail",
            ["Encryption:Keys:1"] = Convert.ToBase64String(new byte[32]),
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return StartupCheck.Problems(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Theory]
    [InlineData("all")]
    [InlineData("Web")]
    [InlineData("worker")]
    [InlineData("")]
    public void Each_role_is_accepted(string role) => Assert.Empty(ProblemsWith(("PazPaz:Role", role)));

    [Theory]
    [InlineData("jobs")]
    [InlineData("3")]
    public void An_unknown_role_is_named(string role) => Assert.Contains(ProblemsWith(("PazPaz:Role", role)), p => p.Contains("PazPaz__Role"));

    [Fact]
    public void Allowed_networks_may_be_addresses_ranges_and_lists() =>
        Assert.Empty(ProblemsWith(("PazPaz:Metrics:AllowedNetworks:0", "10.0.0.0/8"), ("PazPaz:Metrics:AllowedNetworks:1", "192.0.2.7, ::1, fd00::/8")));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("prometheus.internal")]
    [InlineData("10.0.0.1, nonsense")]
    public void A_network_that_is_not_an_address_or_range_is_named(string entry) =>
        Assert.Contains(ProblemsWith(("PazPaz:Metrics:AllowedNetworks:0", entry)), p => p.Contains("PazPaz__Metrics__AllowedNetworks"));

    [Fact]
    public void A_short_metrics_token_is_refused() =>
        Assert.Contains(ProblemsWith(("PazPaz:Metrics:Token", "secret")), p => p.Contains("PazPaz__Metrics__Token"));
}
