using YamlDotNet.RepresentationModel;

namespace PazPaz.Tests.Operations;

/// <summary>Docker has no engine here, so the compose file is checked by reading it.</summary>
public sealed class ComposeFileTests
{
    private static YamlMappingNode Services()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "compose.yml"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(directory.FullName, "compose.yml"))));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    [Fact]
    public void Compose_runs_the_app_with_postgres_16_minio_and_mailpit()
    {
        var services = Services();
        var images = services.Children.ToDictionary(s => ((YamlScalarNode)s.Key).Value!,
            s => ((YamlMappingNode)s.Value).Children.TryGetValue("image", out var image) ? ((YamlScalarNode)image).Value : null);

        Assert.StartsWith("postgres:16", images["db"]);
        Assert.StartsWith("minio/minio", images["minio"]);
        Assert.StartsWith("axllent/mailpit", images["mailpit"]);
        Assert.True(((YamlMappingNode)services["app"]).Children.ContainsKey("build"));
    }

    [Fact]
    public void The_app_gets_every_setting_production_requires()
    {
        var environment = Environment((YamlMappingNode)Services()["app"]);

        Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Contains("Host=db", environment["ConnectionStrings__Default"]);
        Assert.Equal("mailpit", environment["Smtp__Host"]);
        Assert.Equal("1025", environment["Smtp__Port"]);
        Assert.False(string.IsNullOrWhiteSpace(environment["Smtp__From"]));
        Assert.StartsWith("http", environment["PazPaz__PublicBaseUrl"]);
        Assert.Equal("1", environment["Encryption__CurrentKeyVersion"]);
        Assert.Contains("PAZPAZ_ENCRYPTION_KEY_1", environment["Encryption__Keys__1"]);
        Assert.Contains("minio", environment["Storage__S3__ServiceUrl"]);
    }

    [Fact]
    public void The_app_runs_as_its_own_role_and_the_owner_applies_the_migrations()
    {
        var services = Services();
        var environment = Environment((YamlMappingNode)services["app"]);

        Assert.Contains("Username=pazpaz_app", environment["ConnectionStrings__Default"]);
        Assert.Contains("Username=pazpaz;", environment["ConnectionStrings__Migrations"]);
        var init = (YamlMappingNode)services["db-init"];
        Assert.Contains("CREATE ROLE pazpaz_app", ((YamlSequenceNode)init["command"]).Children.Single().ToString());
        var dependsOn = (YamlMappingNode)((YamlMappingNode)services["app"])["depends_on"];
        Assert.Equal("service_completed_successfully", ((YamlMappingNode)dependsOn["db-init"])["condition"].ToString());
    }
}

/// <summary>The web app and the job server run as two services of one image with one set of settings.</summary>
public sealed class ComposeWorkerTests
{
    private static YamlMappingNode Services()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "compose.yml"))) directory = directory.Parent;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(directory!.FullName, "compose.yml"))));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static string Command(YamlMappingNode service) => string.Join(' ', ((YamlSequenceNode)service["command"]).Children.Select(c => c.ToString()));

    [Fact]
    public void The_worker_runs_the_apps_image_with_the_apps_settings_and_the_app_runs_no_job_server()
    {
        var services = Services();
        var app = (YamlMappingNode)services["app"];
        var worker = (YamlMappingNode)services["worker"];

        Assert.Equal(app["image"].ToString(), worker["image"].ToString());
        Assert.Equal("worker", Command(worker));
        Assert.Equal("--PazPaz:Role=web", Command(app));
        Assert.Same(app["environment"], worker["environment"]);
        Assert.False(worker.Children.ContainsKey("ports"));
    }
}
