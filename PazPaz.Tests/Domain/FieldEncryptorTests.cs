using System.Security.Cryptography;
using PazPaz.Security;

namespace PazPaz.Tests.Domain;

public sealed class FieldEncryptorTests
{
    private static readonly byte[] KeyOne = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] KeyTwo = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Text_round_trips_and_never_encrypts_the_same_way_twice()
    {
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = KeyOne }, 1);
        var a = encryptor.Encrypt("Migraine, ibuprofen 400 mg");
        var b = encryptor.Encrypt("Migraine, ibuprofen 400 mg");

        Assert.NotEqual(a, b);
        Assert.StartsWith("v1:", a);
        Assert.Equal("Migraine, ibuprofen 400 mg", encryptor.Decrypt(a));
    }

    [Fact]
    public void After_rotation_old_values_stay_readable_and_new_ones_use_the_new_key()
    {
        var before = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = KeyOne }, 1);
        var old = before.Encrypt("שלום");
        var after = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = KeyOne, [2] = KeyTwo }, 2);

        Assert.Equal("שלום", after.Decrypt(old));
        Assert.StartsWith("v2:", after.Encrypt("new"));
    }

    [Fact]
    public void A_tampered_value_is_rejected()
    {
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = KeyOne }, 1);
        var stored = encryptor.Encrypt("private");
        var bytes = Convert.FromBase64String(stored[3..]);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => encryptor.Decrypt("v1:" + Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void A_value_under_a_missing_key_version_is_reported()
    {
        var encryptor = new FieldEncryptor(new Dictionary<int, byte[]> { [1] = KeyOne }, 1);
        var error = Assert.Throws<CryptographicException>(() => encryptor.Decrypt("v7:AAAA"));
        Assert.Contains("version 7", error.Message);
    }
}
