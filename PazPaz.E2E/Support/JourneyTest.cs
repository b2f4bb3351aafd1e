using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PazPaz.E2E.Support;

/// <summary>
/// Base for browser journeys: every journey gets its own browser context (fresh cookies) and, when it fails,
/// leaves a full-page screenshot in &lt;repo&gt;/e2e-artifacts/&lt;TestName&gt;.png.
/// </summary>
[Collection(E2ECollection.Name)]
public abstract class JourneyTest(AppServer app, ITestOutputHelper output)
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    protected AppServer App { get; } = app;
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Runs <paramref name="journey"/> in a new context; on failure saves a screenshot, then rethrows.</summary>
    protected async Task RunJourneyAsync(string testName, Func<IPage, Task> journey, ViewportSize? viewport = null)
    {
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            ViewportSize = viewport ?? Desktop,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        try
        {
            await journey(page);
        }
        catch (Exception)
        {
            await SaveFailureScreenshotAsync(page, testName);
            throw;
        }
    }

    /// <summary>Fails on any axe-core violation of impact "serious" or "critical", listing each with its elements.</summary>
    protected static async Task AssertNoSeriousAccessibilityViolationsAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = (result.Violations ?? [])
            .Where(v => v.Impact is "serious" or "critical")
            .ToList();
        if (serious.Count == 0) return;

        var message = new StringBuilder($"{serious.Count} serious/critical accessibility violation(s) on {what} ({page.Url}):");
        foreach (var violation in serious)
        {
            message.Append($"\n- [{violation.Impact}] {violation.Id}: {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes ?? [])
                message.Append($"\n    {node.Target}: {node.Html}");
        }
        Assert.Fail(message.ToString());
    }

    /// <summary>Review screenshots, only when PAZPAZ_E2E_SHOTS names a folder (e.g. /tmp/e2e-shots).</summary>
    protected static async Task SaveReviewShotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("PAZPAZ_E2E_SHOTS");
        if (string.IsNullOrWhiteSpace(folder)) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private async Task SaveFailureScreenshotAsync(IPage page, string testName)
    {
        try
        {
            var path = Path.Combine(RepoPaths.Artifacts, testName + ".png");
            Directory.CreateDirectory(RepoPaths.Artifacts);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 10_000 });
            Output.WriteLine($"Failure screenshot: {path} (page {page.Url})");
        }
        catch (Exception e)
        {
            // Never hide the test's own failure behind a screenshot problem.
            Output.WriteLine($"Could not save a failure screenshot: {e.Message}");
        }
    }
}

public static class RepoPaths
{
    /// <summary>The folder holding PazPaz.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Artifacts => Path.Combine(Root, "e2e-artifacts");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PazPaz.sln"))) return dir.FullName;
        throw new InvalidOperationException($"PazPaz.sln not found above {AppContext.BaseDirectory}.");
    }
}
