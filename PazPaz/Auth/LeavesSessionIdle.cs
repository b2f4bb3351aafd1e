namespace PazPaz.Auth;

/// <summary>
/// Requests that do not count as activity, so they never slide the session cookie's idle expiry: endpoints marked with
/// this metadata (the live-updates stream) and requests the page makes by itself, marked with <see cref="Header"/>
/// (the calendar redrawing after a live update). Otherwise an unattended screen would stay signed in forever. The
/// header can only make a session end sooner, so trusting it is safe.
/// </summary>
public sealed class LeavesSessionIdle
{
    public const string Header = "X-PazPaz-Unattended";

    public static bool Applies(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<LeavesSessionIdle>() is not null || http.Request.Headers.ContainsKey(Header);
}
