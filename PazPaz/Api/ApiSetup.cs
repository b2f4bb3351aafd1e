using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using PazPaz.LiveUpdates;
using PazPaz.Security;

namespace PazPaz.Api;

public static class ApiSetup
{
    public static IServiceCollection AddPazPazApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton<ApiRateLimit>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        return services;
    }

    public static bool IsApiRequest(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when Operations.DatabaseUnavailable.Is(exception) => StatusCodes.Status503ServiceUnavailable,
        _ when Operations.ChangedElsewhere.Is(exception) => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static void MapPazPazApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization().AddEndpointFilter(RequireAntiforgeryForBrowserWrites)
            .AddEndpointFilter(JsonEdge.ReadBody);
        api.MapWorkspaceApi();
        api.MapClientsApi();
        api.MapServicesApi();
        api.MapLocationsApi();
        api.MapAppointmentsApi();
        api.MapAppointmentSeriesApi();
        api.MapTimeOffApi();
        api.MapSessionNotesApi();
        api.MapAttachmentsApi();
        api.MapNotificationSettingsApi();
        api.MapCalendarStream();
        api.MapCalendarFeedsApi();
    }

    /// <summary>A browser session writing to the API must send the antiforgery header; API tokens cannot be ridden by another site.</summary>
    private static async ValueTask<object?> RequireAntiforgeryForBrowserWrites(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) &&
            http.User.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme)
        {
            if (!await HeaderAntiforgery.IsValidAsync(http))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing or invalid antiforgery token.");
        }
        return await next(context);
    }
}
