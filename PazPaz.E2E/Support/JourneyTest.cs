using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PazPaz.Data;
using PazPaz.Domain;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PazPaz.E2E.Support;

/// <summary>
/// Base for browser journeys: every journey gets its own browser context (fresh cookies), starts on the suite's clock
/// (see <see cref="TestClock"/>) and, when it fails, leaves a full-page screenshot in &lt;repo&gt;/e2e-artifacts/&lt;TestName&gt;.png.
/// The demo practice (Dana Levi Physiotherapy, Asia/Jerusalem) is seeded around the suite's instant; journeys that need a
/// calendar of their own work in a week of their own ahead (<see cref="JourneyWeeks"/>), where it starts empty.
/// </summary>
[Collection(E2ECollection.Name)]
public abstract class JourneyTest(AppServer app, ITestOutputHelper output)
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    public const string DemoEmail = DemoWorkspace.OwnerEmail;
    protected static readonly TimeZoneInfo DemoZone = TimeZones.Find(DemoWorkspace.TimeZoneId);

    protected AppServer App { get; } = app;
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Runs <paramref name="journey"/> in a new context; on failure saves a screenshot, then rethrows.</summary>
    protected async Task RunJourneyAsync(string testName, Func<IPage, Task> journey, ViewportSize? viewport = null)
    {
        App.Clock.Reset();
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
        finally
        {
            App.Clock.Reset();
        }
    }

    /// <summary>
    /// Signs in as the demo therapist through a one-time link and lands on the calendar, once it is ready: on a phone the
    /// calendar first replaces itself with the day view, and a navigation started before that would race with it.
    /// </summary>
    protected async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(await App.CreateSignInLinkAsync(DemoEmail));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/calendar"));
        await Expect(page.Locator("#calendar-region[data-ready='true']")).ToBeVisibleAsync();
    }

    /// <summary>
    /// The local mailbox, once it shows an e-mail like <paramref name="email"/>: sign-in e-mails leave in the background
    /// just after the request, so the page is reloaded until it arrives (up to 15 s).
    /// </summary>
    protected static async Task OpenMailboxAsync(IPage page, ILocator email)
    {
        await page.GotoAsync("/dev/mailbox");
        for (var i = 0; i < 75 && await email.CountAsync() == 0; i++)
        {
            await Task.Delay(200);
            await page.ReloadAsync();
        }
    }

    /// <summary>The week of <paramref name="day"/>, once the calendar has placed it (calendar.js marks it data-ready).</summary>
    protected static async Task OpenWeekAsync(IPage page, DateOnly day)
    {
        await page.GotoAsync($"/calendar?view=week&date={Iso(day)}");
        await Expect(page.Locator($"#calendar-region[data-ready='true'] .cal-day[data-date='{Iso(day)}']")).ToBeVisibleAsync();
    }

    /// <summary>
    /// The Tuesday <paramref name="week"/> weeks into the journey class's own block of empty weeks ahead of the suite's
    /// instant (see <see cref="JourneyWeeks"/>); each journey takes a week of its block.
    /// </summary>
    protected DateOnly Tuesday(JourneyBlock block, int week) => JourneyWeeks.Tuesday(App.Clock.SuiteStart, DemoZone, block, week);

    protected static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A wall-clock time in the demo practice's zone, as an instant.</summary>
    protected static DateTimeOffset DemoTime(DateOnly day, int hour, int minute = 0) =>
        TimeZones.ToUtc(day.ToDateTime(new TimeOnly(hour, minute)), DemoZone);

    /// <summary>The calendar block of <paramref name="client"/>'s appointment on <paramref name="day"/>.</summary>
    protected static ILocator Block(IPage page, DateOnly day, string client) =>
        page.Locator($".cal-day[data-date='{Iso(day)}'] [data-appointment-id]").Filter(new() { HasText = client });

    /// <summary>One of the demo practice's clients, by full name (a computed property: matched in memory).</summary>
    protected static async Task<Client> DemoClientAsync(PazPazDb db, string fullName)
    {
        var owner = await db.Users.IgnoreQueryFilters().SingleAsync(u => u.Email == DemoEmail);
        var clients = await db.Clients.IgnoreQueryFilters().Where(c => c.WorkspaceId == owner.WorkspaceId).ToListAsync();
        return clients.Single(c => c.FullName == fullName);
    }

    /// <summary>An appointment written straight to the database, at a wall-clock time in the demo's zone.</summary>
    protected async Task<Guid> SeedAppointmentAsync(string clientName, DateOnly day, int hour, int minutes = 60, int minute = 0)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PazPazDb>();
        var client = await DemoClientAsync(db, clientName);
        var start = DemoTime(day, hour, minute);
        var appointment = Appointment.Create(client.WorkspaceId, client.Id, start, start.AddMinutes(minutes), LocationType.Clinic);
        db.Add(appointment);
        await db.SaveChangesAsync();
        return appointment.Id;
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
