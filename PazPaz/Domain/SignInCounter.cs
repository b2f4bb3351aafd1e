namespace PazPaz.Domain;

/// <summary>
/// How many sign-in link requests one key (an IP address, an address, or the two together) made in one fixed window.
/// Kept in the database so that every app instance spends the same budget; rows are only ever upserted by
/// <c>SignInThrottle</c> and purged once their window is long past.
/// </summary>
public sealed class SignInCounter
{
    public string Key { get; private set; } = "";
    public DateTimeOffset WindowStart { get; private set; }
    public int Count { get; private set; }

    private SignInCounter() { }
}
