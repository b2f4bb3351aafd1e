namespace PazPaz.Auth;

/// <summary>
/// Endpoint metadata: a request to this endpoint does not count as activity, so it never slides the session cookie's
/// idle expiry. For long-lived or automatic requests (the live-updates stream) that would otherwise keep an unattended
/// screen signed in forever.
/// </summary>
public sealed class LeavesSessionIdle;
