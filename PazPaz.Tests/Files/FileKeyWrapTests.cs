using System.Security.Cryptography;

namespace PazPaz.Tests.Files;

public sealed class FileKeyWrapTests
{
    [Fact]
    public void A_file_key_unwraps_under_its_version_after_rotation()
    {
        var fileKey = RandomNumberGenerator.GetBytes(32);
        var (version, wrapped) = Keys.VersionOne().WrapKey(fileKey);

        Assert.Equal(1, version);
        Assert.Equal(60, wrapped.Length);
        Assert.Equal(fileKey, Keys.Encryptor(2, (1, Keys.One), (2, Keys.Two)).UnwrapKey(1, wrapped));
        Assert.Equal(2, Keys.Encryptor(2, (1, Keys.One), (2, Keys.Two)).WrapKey(fileKey).Version);
    }

    [Fact]
    public void A_wrapped_key_is_not_a_field_value_and_a_field_value_is_not_a_wrapped_key()
    {
        var encryptor = Keys.VersionOne();
        var (_, wrapped) = encryptor.WrapKey(RandomNumberGenerator.GetBytes(32));
        Assert.ThrowsAny<CryptographicException>(() => encryptor.Decrypt("v1:" + Convert.ToBase64String(wrapped)));

        var field = encryptor.Encrypt("0123456789abcdef0123456789abcdef");
        Assert.ThrowsAny<CryptographicException>(() => encryptor.UnwrapKey(1, Convert.FromBase64String(field[3..])));
    }

    [Fact]
    public void A_wrapped_key_fails_under_another_version_or_key_or_when_altered()
    {
        var (_, wrapped) = Keys.VersionOne().WrapKey(RandomNumberGenerator.GetBytes(32));

        Assert.Contains("version 3", Assert.ThrowsAny<CryptographicException>(() => Keys.VersionOne().UnwrapKey(3, wrapped)).Message);
        Assert.ThrowsAny<CryptographicException>(() => Keys.Encryptor(2, (2, Keys.One)).UnwrapKey(2, wrapped));
        Assert.ThrowsAny<CryptographicException>(() => Keys.Encryptor(1, (1, Keys.Two)).UnwrapKey(1, wrapped));
        wrapped[20] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Keys.VersionOne().UnwrapKey(1, wrapped));
    }
}
