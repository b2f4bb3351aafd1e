using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PazPaz.Auth;
using PazPaz.Calendar;
using PazPaz.Data;
using PazPaz.Domain;
using PazPaz.Operations;
using PazPaz.Security;

namespace PazPaz.Api;

/// <summary>The signed-in user's own calendar feeds. Tokens are shown once (create, rotate) and never listed.</summary>
public static class CalendarFeedsApi
{
    public sealed record FeedResponse(Guid Id, string Name, string PrivacyPreset, bool KeepCancelledUntilStart, bool ShowPrivateLocations,
        int WindowDaysBack, int WindowDaysAhead, DateTimeOffset? LastFetchedAt, string? LastFetchedBy, string? LastFetchedUserAgent,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>Create's and rotate's answer: the only time the URL is readable.</summary>
    public sealed record FeedWithUrl(Guid Id, string Name, string PrivacyPreset, bool KeepCancelledUntilStart, bool ShowPrivateLocations,
        int WindowDaysBack, int WindowDaysAhead, DateTimeOffset? LastFetchedAt, string? LastFetchedBy, string? LastFetchedUserAgent,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Url, string WebcalUrl);

    private static readonly string[] Fields =
        ["name", "privacy_preset", "keep_cancelled_until_start", "show_private_locations", "window_days_back", "window_days_ahead"];

    public static void MapCalendarFeedsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/calendar-feeds").WithTags("Calendar feeds");

        group.MapGet("/", ListAsync).WithName("ListCalendarFeeds")
            .WithSummary("Your own active ICS feeds (never their URLs). Answers {items: [...]}.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCalendarFeed").WithSummary("One of your feeds.");
        group.MapPost("/", CreateAsync).WithName("CreateCalendarFeed").AcceptsJson(Fields, optional: true)
            .WithSummary("Creates a feed: name (default \"PazPaz – <your name>\"), privacy_preset (session | service_name | client_initials | client_first_name | client_full_name), keep_cancelled_until_start, show_private_locations, window_days_back (0–3660), window_days_ahead (1–3660). 201 with url and webcal_url, shown this once.");
        group.MapMethods("/{id:guid}", ["PUT", "PATCH"], UpdateAsync).WithName("UpdateCalendarFeed").AcceptsJson(Fields)
            .WithSummary("Partial update of the settings: only the fields sent change. A new privacy_preset or show_private_locations raises every event's SEQUENCE.");
        group.MapPost("/{id:guid}/rotate", RotateAsync).WithName("RotateCalendarFeed")
            .WithSummary("Replaces the URL: the old one answers 404 at once. Answers the feed with the new url and webcal_url, shown this once.");
        group.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeCalendarFeed")
            .WithSummary("Revokes the feed: its URL answers 404 from now on (204).");
    }

    public static FeedResponse ToResponse(CalendarFeed f) => new(f.Id, f.Name, ApiNames.Of(f.PrivacyPreset), f.KeepCancelledUntilStart,
        f.ShowPrivateLocations, f.WindowDaysBack, f.WindowDaysAhead, f.LastFetchedAt, FeedClients.AppName(f.LastFetchedUserAgent),
        f.LastFetchedUserAgent, f.CreatedAt, f.UpdatedAt);

    private static FeedWithUrl WithUrl(CalendarFeed f, string token, string publicBaseUrl)
    {
        var r = ToResponse(f);
        var (url, webcal) = FeedClients.Links(publicBaseUrl, token);
        return new(r.Id, r.Name, r.PrivacyPreset, r.KeepCancelledUntilStart, r.ShowPrivateLocations, r.WindowDaysBack, r.WindowDaysAhead,
            r.LastFetchedAt, r.LastFetchedBy, r.LastFetchedUserAgent, r.CreatedAt, r.UpdatedAt, url, webcal);
    }

    private static async Task<IResult> ListAsync(PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        var feeds = await db.OwnFeeds(current).AsNoTracking().OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(cancellationToken);
        return Results.Ok(new ItemList<FeedResponse>(feeds.Select(ToResponse).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, PazPazDb db, CurrentUser current, CancellationToken cancellationToken) =>
        await db.OwnFeeds(current).AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken) is { } feed
            ? Results.Ok(ToResponse(feed))
            : ApiResults.NotFound("Calendar feed");

    private static async Task<IResult> CreateAsync(HttpRequest request, PazPazDb db, CurrentUser current, IOptions<PazPazOptions> options,
        CancellationToken cancellationToken)
    {
        var input = JsonInput.Of(request);
        var userId = current.RequireUserId();
        var therapist = await db.Users.Where(u => u.Id == userId).Select(u => u.FullName).SingleAsync(cancellationToken);
        var settings = Read(input, new FeedSettings(CalendarFeed.DefaultName(therapist)));
        if (!input.IsValid) return input.Problem();

        var token = Tokens.New();
        var feed = CalendarFeed.Create(current.RequireWorkspaceId(), userId, settings!, Tokens.Hash(token));
        db.CalendarFeeds.Add(feed);
        await db.SaveChangesAsync(cancellationToken);
        return Results.Created($"/api/v1/calendar-feeds/{feed.Id}", WithUrl(feed, token, options.Value.PublicBaseUrl));
    }

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, PazPazDb db, CurrentUser current, CancellationToken cancellationToken)
    {
        if (await db.OwnFeeds(current).FirstOrDefaultAsync(f => f.Id == id, cancellationToken) is not { } feed) return ApiResults.NotFound("Calendar feed");
        var input = JsonInput.Of(request);
        var settings = Read(input, feed.Settings());
        if (!input.IsValid) return input.Problem();

        feed.ChangeSettings(settings!);
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(ToResponse(feed));
    }

    private static async Task<IResult> RotateAsync(Guid id, PazPazDb db, CurrentUser current, IOptions<PazPazOptions> options,
        CancellationToken cancellationToken)
    {
        if (await db.OwnFeeds(current).FirstOrDefaultAsync(f => f.Id == id, cancellationToken) is not { } feed) return ApiResults.NotFound("Calendar feed");
        var token = Tokens.New();
        feed.Rotate(Tokens.Hash(token));
        await db.SaveChangesAsync(cancellationToken);
        return Results.Ok(WithUrl(feed, token, options.Value.PublicBaseUrl));
    }

    private static async Task<IResult> RevokeAsync(Guid id, PazPazDb db, CurrentUser current, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.OwnFeeds(current).FirstOrDefaultAsync(f => f.Id == id, cancellationToken) is not { } feed) return ApiResults.NotFound("Calendar feed");
        feed.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return Results.NoContent();
    }

    /// <summary>The settings in the body over <paramref name="current"/>; null (with field errors in <paramref name="input"/>) when invalid.</summary>
    private static FeedSettings? Read(JsonInput input, FeedSettings current)
    {
        var settings = current with
        {
            Name = input.Has("name") ? input.String("name", nullable: false, maxLength: CalendarFeed.NameMaxLength) ?? current.Name : current.Name,
            PrivacyPreset = input.Enum<FeedPrivacyPreset>("privacy_preset") ?? current.PrivacyPreset,
            KeepCancelledUntilStart = input.Bool("keep_cancelled_until_start") ?? current.KeepCancelledUntilStart,
            ShowPrivateLocations = input.Bool("show_private_locations") ?? current.ShowPrivateLocations,
            WindowDaysBack = input.Int("window_days_back") ?? current.WindowDaysBack,
            WindowDaysAhead = input.Int("window_days_ahead") ?? current.WindowDaysAhead,
        };
        input.AddProblems(CalendarFeed.Problems(settings)); // skips fields that already failed to parse
        return input.IsValid ? settings : null;
    }
}
