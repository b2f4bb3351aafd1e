using Microsoft.Extensions.Time.Testing;
using Base32Encoding = OtpNet.Base32Encoding;
using PazPaz.Auth;
using Totp = PazPaz.Auth.Totp;
using PazPaz.Domain;

namespace PazPaz.Tests.Auth;

/// <summary>The code window (RFC 6238, ±1 step of 30 s) on a fake clock, and the backup codes.</summary>
public sealed class TotpTests
{
    private static readonly string Secret = Totp.NewSecret();

    /// <summary>The code an authenticator app shows at <paramref name="at"/>, computed by Otp.NET directly.</summary>
    private static string AppCode(DateTimeOffset at) => new OtpNet.Totp(Base32Encoding.ToBytes(Secret)).ComputeTotp(at.UtcDateTime);

    // Any instant: the middle of a step, its first second and its last second.
    public static TheoryData<DateTimeOffset> Instants() => new()
    {
        TestClock(), new DateTimeOffset(2026, 3, 29, 0, 59, 30, TimeSpan.Zero), new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero),
        new DateTimeOffset(2026, 6, 1, 12, 0, 15, TimeSpan.Zero),
    };

    private static DateTimeOffset TestClock() => Support.TestClock.Start;

    [Theory, MemberData(nameof(Instants))]
    public void The_current_code_and_one_step_either_side_are_accepted_with_their_own_step(DateTimeOffset instant)
    {
        var clock = new FakeTimeProvider(instant);
        var now = clock.GetUtcNow();
        var step = Totp.StepAt(now);

        Assert.Equal(step, Totp.MatchingStep(Secret, AppCode(now), now));
        Assert.Equal(step - 1, Totp.MatchingStep(Secret, AppCode(now - Totp.StepLength), now));
        Assert.Equal(step + 1, Totp.MatchingStep(Secret, AppCode(now + Totp.StepLength), now));
    }

    [Theory, MemberData(nameof(Instants))]
    public void A_code_two_steps_away_is_refused(DateTimeOffset instant)
    {
        var now = new FakeTimeProvider(instant).GetUtcNow();
        var twoBack = AppCode(now - 2 * Totp.StepLength);
        var twoAhead = AppCode(now + 2 * Totp.StepLength);
        // A code can repeat by chance (one in a million); only a code that differs from every accepted one is a fair test.
        var accepted = new[] { -1, 0, 1 }.Select(k => AppCode(now + k * Totp.StepLength)).ToHashSet();
        if (!accepted.Contains(twoBack)) Assert.Null(Totp.MatchingStep(Secret, twoBack, now));
        if (!accepted.Contains(twoAhead)) Assert.Null(Totp.MatchingStep(Secret, twoAhead, now));
    }

    [Fact]
    public void A_code_stays_acceptable_while_the_clock_moves_through_the_window_and_not_after()
    {
        var clock = new FakeTimeProvider(TestClock());
        var issuedAt = clock.GetUtcNow();
        var code = AppCode(issuedAt);
        var step = Totp.StepAt(issuedAt);

        // From the start of its step to the end of the next one it is accepted; the step after that, never.
        var stepStart = DateTimeOffset.FromUnixTimeSeconds(step * 30);
        clock.AdjustTime(stepStart);
        Assert.Equal(step, Totp.MatchingStep(Secret, code, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(step, Totp.MatchingStep(Secret, code, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(1));
        var later = clock.GetUtcNow();
        if (AppCode(later) != code && AppCode(later - Totp.StepLength) != code && AppCode(later + Totp.StepLength) != code)
            Assert.Null(Totp.MatchingStep(Secret, code, later));
    }

    [Fact]
    public void Replay_is_told_apart_by_step_a_later_code_has_a_later_step()
    {
        var clock = new FakeTimeProvider(TestClock());
        var first = Totp.MatchingStep(Secret, AppCode(clock.GetUtcNow()), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(10));
        var sameCodeAgain = Totp.MatchingStep(Secret, AppCode(clock.GetUtcNow() - TimeSpan.FromSeconds(10)), clock.GetUtcNow());
        clock.Advance(Totp.StepLength);
        var next = Totp.MatchingStep(Secret, AppCode(clock.GetUtcNow()), clock.GetUtcNow());

        Assert.Equal(first, sameCodeAgain); // the same step: SecondFactor refuses it as used
        Assert.True(next > first);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")] // full-width digits
    [InlineData("123\0456")]
    [InlineData("12345612345612345612345")]
    public void Anything_but_six_digits_is_not_a_code(string typed) => Assert.Null(Totp.NormalizeCode(typed));

    [Fact]
    public void Spaces_inside_a_code_are_ignored() => Assert.Equal("123456", Totp.NormalizeCode(" 123 456 "));

    [Fact]
    public void The_set_up_link_names_PazPaz_and_the_e_mail()
    {
        var uri = Totp.Uri("JBSWY3DPEHPK3PXP", "dana+work@example.com");
        Assert.Equal("otpauth://totp/PazPaz:dana%2Bwork%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=PazPaz&algorithm=SHA1&digits=6&period=30", uri);
        Assert.Equal("JBSW Y3DP EHPK 3PXP", Totp.Grouped("JBSWY3DPEHPK3PXP"));
    }

    [Fact]
    public void A_new_secret_has_160_bits()
    {
        var secret = Totp.NewSecret();
        Assert.Equal(20, Base32Encoding.ToBytes(secret).Length);
        Assert.NotEqual(secret, Totp.NewSecret());
    }

    [Fact]
    public void The_QR_code_is_plain_SVG_without_style_or_script()
    {
        var svg = Totp.QrSvg(Totp.Uri(Secret, "dana@example.com"), "QR code");
        Assert.StartsWith("<svg", svg);
        Assert.DoesNotContain("style", svg);
        Assert.DoesNotContain("script", svg);
        Assert.Contains("role=\"img\"", svg);
    }

    [Fact]
    public void Backup_codes_are_eight_distinct_codes_stored_only_as_salted_hashes()
    {
        var user = User.Create(Guid.NewGuid(), "dana@example.com", "Dana Levi", UserRole.Owner, TestClock());
        var (rows, codes) = TotpBackupCode.NewSet(user, TestClock());

        Assert.Equal(8, codes.Distinct().Count());
        Assert.Equal(8, rows.Select(r => r.Salt).Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", c));
        Assert.All(rows, r => Assert.DoesNotContain(codes, c => r.Hash.Contains(c.Replace("-", ""))));
        for (var i = 0; i < 8; i++)
        {
            Assert.True(rows[i].Matches(TotpBackupCode.Normalize(codes[i])!));
            Assert.True(rows[i].Matches(TotpBackupCode.Normalize(" " + codes[i].ToUpperInvariant().Replace("-", " ") + " ")!));
            Assert.False(rows[i].Matches(TotpBackupCode.Normalize(codes[(i + 1) % 8])!));
        }
    }

    [Theory]
    [InlineData("abcde-fghj")]
    [InlineData("abcde-fghjk1")]
    [InlineData("abcde-fghj0")]
    [InlineData("abcde\0fghjk")]
    public void Anything_else_is_not_a_backup_code(string typed) => Assert.Null(TotpBackupCode.Normalize(typed));
}
