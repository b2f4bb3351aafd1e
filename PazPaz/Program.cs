using PazPaz.Admin;
using PazPaz.Api;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Files;
using PazPaz.LiveUpdates;
using PazPaz.Notes;
using PazPaz.Notifications;
using PazPaz.Operations;
using PazPaz.Scheduling;

// "admin …" runs an operator command with the app's own configuration and services, then exits.
var isAdminCommand = args.FirstOrDefault() == "admin";
// "worker" is PazPaz:Role=worker: the job server alone, for when the app is scaled out (see ProcessRole).
var isWorkerCommand = args.FirstOrDefault() == "worker";
var builder = WebApplication.CreateBuilder(isAdminCommand ? [] : isWorkerCommand ? args[1..] : args);
if (isWorkerCommand) builder.Configuration[ProcessRoles.Setting] = nameof(ProcessRole.Worker);

if (isAdminCommand)
{
    // The command's own output is the point: logs go to stderr and only when something is wrong.
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
}
else if (!builder.Environment.IsDevelopment())
{
    builder.Logging.ClearProviders();
    builder.Logging.AddJsonConsole();
}

if (!StartupCheck.CanStart(builder.Configuration, "PazPaz")) return 1;
var role = ProcessRoles.Of(builder.Configuration);

builder.Services.AddPazPazSettings(builder.Configuration);
builder.Services.AddPazPazData(builder.Configuration);
builder.Services.AddPazPazAuth(builder.Configuration, builder.Environment);
builder.Services.AddPazPazApi();
builder.Services.AddLiveUpdates(listen: role.ServesRequests());
builder.Services.AddPazPazCalendar();
builder.Services.AddPazPazNotifications(builder.Configuration, runServer: !isAdminCommand && role.RunsJobServer(builder.Configuration));
builder.Services.AddPazPazTelemetry(builder.Configuration, role);
builder.Services.AddScoped<ConflictChecker>();
builder.Services.AddScoped<Booking>();
builder.Services.AddScoped<PazPaz.Team.Invitations>();
builder.Services.AddPazPazNotes();
builder.Services.AddPazPazFiles();
builder.Services.AddPazPazStorage(builder.Configuration);
builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/").AllowAnonymousToFolder("/Account").AllowAnonymousToPage("/Error").AllowAnonymousToFolder("/Dev"));
builder.Services.AddOpenApi();
builder.Services.AddExceptionHandler<DatabaseUnavailable>();
builder.Services.AddExceptionHandler<ChangedElsewhere>();

var app = builder.Build();

if (isAdminCommand)
    return await AdminCommands.RunAsync(app.Services, args[1..], Console.Out, Console.Error);

await app.Services.PrepareDatabaseAsync();
app.Services.ScheduleNotificationJobs();

app.UseForwardedHeadersFromKnownProxies(); // first: everything after sees the real client and scheme (only from PazPaz:KnownProxies)
if (role == ProcessRole.Worker)
{
    // The job server runs in the background; over HTTP a worker answers its health and metrics, and 404 to all else.
    app.UseSecurityHeaders();
    app.UseMetricsEndpoint();
    app.MapHealth();
    app.Logger.LogInformation("PazPaz worker: running jobs; over HTTP only /healthz, /readyz and {Metrics}", MetricsEndpoint.Path);
    await app.RunAsync();
    return 0;
}
if (!app.Environment.IsDevelopment()) app.UseHsts();
// The API answers problem details; pages answer the friendly error page. Neither shows a stack trace.
// While the database is unreachable both answer 503 with Retry-After (DatabaseUnavailable).
app.UseWhen(ApiSetup.IsApiRequest, api =>
{
    api.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = ApiSetup.StatusFor });
    api.UseStatusCodePages();
});
app.UseWhen(http => !ApiSetup.IsApiRequest(http), pages =>
{
    pages.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", StatusCodeSelector = ApiSetup.StatusFor });
    pages.UseStatusCodePagesWithReExecute("/error/{0}");
});
app.UseSecurityHeaders();
app.UseMetricsEndpoint(); // before sessions, the role gate and the rate limits: a scraper is none of their business
app.UseStorableTextOnly();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseNoStoreWhenSignedIn();
app.UseApiRateLimit();
app.UseCurrentUser();
app.UseTwoFactorRequirement();
app.UseAuthorization();
app.UseRoleGate();
app.UseAntiforgery();

app.MapHealth();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapPazPazApi();
app.MapFileEndpoints();
app.MapCalendarFeed();
app.MapJobsDashboard();
app.MapRazorPages();

await app.RunAsync();
return 0;

public partial class Program;
