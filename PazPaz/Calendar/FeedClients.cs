namespace PazPaz.Calendar;

/// <summary>Which calendar app fetched a feed, read from its User-Agent, for "Google last fetched 3 h ago".</summary>
public static class FeedClients
{
    private static readonly (string Marker, string App)[] Known =
    [
        ("Google-Calendar-Importer", "Google Calendar"),
        ("Google", "Google Calendar"),
        ("dataaccessd", "Apple Calendar (iPhone or iPad)"),
        ("iOS/", "Apple Calendar (iPhone or iPad)"),
        ("CalendarAgent", "Apple Calendar (Mac)"),
        ("macOS/", "Apple Calendar (Mac)"),
        ("Mac OS X/", "Apple Calendar (Mac)"),
        ("Microsoft Outlook", "Outlook"),
        ("Outlook", "Outlook"),
        ("Exchange", "Outlook"),
        ("Thunderbird", "Thunderbird"),
        ("vdirsyncer", "vdirsyncer"),
        ("DAVx5", "DAVx⁵"),
        ("ICSx5", "ICSx⁵"),
        ("Fantastical", "Fantastical"),
        ("curl/", "curl"),
    ];

    /// <summary>A short app name, "A calendar app" when the agent is unknown, or null when there was none.</summary>
    public static string? AppName(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return null;
        foreach (var (marker, app) in Known)
            if (userAgent.Contains(marker, StringComparison.OrdinalIgnoreCase)) return app;
        return "A calendar app";
    }

    /// <summary>"3 h ago", "2 days ago", "just now".</summary>
    public static string Ago(DateTimeOffset then, DateTimeOffset now)
    {
        var elapsed = now - then;
        if (elapsed < TimeSpan.FromMinutes(1)) return "just now";
        if (elapsed < TimeSpan.FromHours(1)) return $"{(int)elapsed.TotalMinutes} min ago";
        if (elapsed < TimeSpan.FromDays(1)) return $"{(int)elapsed.TotalHours} h ago";
        var days = (int)elapsed.TotalDays;
        return days == 1 ? "1 day ago" : $"{days} days ago";
    }

    /// <summary>The subscription URLs for a token: the https (or http in development) one and the webcal:// one apps open directly.</summary>
    public static (string Https, string Webcal) Links(string publicBaseUrl, string token)
    {
        var https = $"{publicBaseUrl.TrimEnd('/')}/calendar/{token}.ics";
        var webcal = "webcal://" + https[(https.IndexOf("://", StringComparison.Ordinal) + 3)..];
        return (https, webcal);
    }
}
