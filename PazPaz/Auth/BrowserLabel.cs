namespace PazPaz.Auth;

/// <summary>"Chrome on Windows" from a User-Agent header: enough for a person to recognise their own devices.</summary>
public static class BrowserLabel
{
    public static string From(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return "Unknown browser";
        var ua = userAgent;
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari, Android also says Linux.
        var browser =
            Has(ua, "Edg/") || Has(ua, "EdgA/") || Has(ua, "EdgiOS/") ? "Edge" :
            Has(ua, "OPR/") || Has(ua, "Opera") ? "Opera" :
            Has(ua, "SamsungBrowser/") ? "Samsung Internet" :
            Has(ua, "Firefox/") || Has(ua, "FxiOS/") ? "Firefox" :
            Has(ua, "Chrome/") || Has(ua, "CriOS/") || Has(ua, "Chromium/") ? "Chrome" :
            Has(ua, "Safari/") && Has(ua, "Version/") ? "Safari" :
            Has(ua, "curl/") ? "curl" :
            "Unknown browser";
        var system =
            Has(ua, "iPhone") ? "iPhone" :
            Has(ua, "iPad") ? "iPad" :
            Has(ua, "Android") ? "Android" :
            Has(ua, "Windows") ? "Windows" :
            Has(ua, "Mac OS X") || Has(ua, "Macintosh") ? "macOS" :
            Has(ua, "CrOS") ? "ChromeOS" :
            Has(ua, "Linux") ? "Linux" :
            null;
        return system is null ? browser : $"{browser} on {system}";
    }

    private static bool Has(string ua, string part) => ua.Contains(part, StringComparison.OrdinalIgnoreCase);
}
