using System.Text;
using OtpNet;
using QRCoder;

namespace PazPaz.Auth;

/// <summary>
/// Time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30-second steps), as Google Authenticator, 1Password, Authy
/// and the phone's own password managers make them. Pure: "now" is always passed in.
/// </summary>
public static class Totp
{
    public const string Issuer = "PazPaz";
    public static readonly TimeSpan StepLength = TimeSpan.FromSeconds(30);

    /// <summary>160 random bits (RFC 4226's recommended length), base32 as authenticator apps take it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20)).TrimEnd('=');

    public static long StepAt(DateTimeOffset now) => now.ToUnixTimeSeconds() / (long)StepLength.TotalSeconds;

    /// <summary>The code an authenticator app shows at <paramref name="now"/> (tests and the operator use it too).</summary>
    public static string CodeAt(string secret, DateTimeOffset now) => new OtpNet.Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(now.UtcDateTime);

    /// <summary>Six digits, spaces allowed ("123 456"); null for anything else.</summary>
    public static string? NormalizeCode(string? typed)
    {
        if (typed is null || typed.Length > 20) return null;
        var digits = typed.Replace(" ", "");
        return digits.Length == 6 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>
    /// The step <paramref name="code"/> belongs to when it is right for the step of <paramref name="now"/> or one step
    /// either side (a phone's clock a little off, a code typed as it changed); null when it is wrong. Whether that step
    /// was used already is the caller's question (<see cref="SecondFactor"/>).
    /// </summary>
    public static long? MatchingStep(string secret, string code, DateTimeOffset now)
    {
        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(secret));
        // Otp.NET compares in constant time and reports the step it matched.
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The otpauth URI authenticator apps read from the QR code (Key Uri Format): issuer PazPaz, account the e-mail.</summary>
    public static string Uri(string secret, string email) =>
        $"otpauth://totp/{Issuer}:{System.Uri.EscapeDataString(email)}?secret={secret}&issuer={Issuer}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The secret in groups of four, for typing it into an app by hand.</summary>
    public static string Grouped(string secret) =>
        string.Join(' ', Enumerable.Range(0, (secret.Length + 3) / 4).Select(i => secret.Substring(i * 4, Math.Min(4, secret.Length - i * 4))));

    /// <summary>
    /// The QR code of <paramref name="text"/> as one SVG path (dark modules), quiet zone included. Drawn here rather than
    /// with QRCoder's SVG writer so it carries no style attribute, which the strict CSP would refuse.
    /// </summary>
    public static string QrSvg(string text, string label)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                if (matrix[y][x]) path.Append($"M{x} {y}h1v1h-1z");
        var title = System.Net.WebUtility.HtmlEncode(label);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"{title}\" " +
               $"shape-rendering=\"crispEdges\" width=\"100%\" height=\"100%\" data-testid=\"totp-qr\">" +
               $"<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>";
    }
}
