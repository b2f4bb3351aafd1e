using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public static partial class ModelConventions
{
    /// <summary>Annotation read by the audit trail: a personal field's name is recorded, never its value.</summary>
    public const string PersonalAnnotation = "PazPaz:Personal";

    /// <summary>Annotation on every encrypted column: key rotation (Security/KeyRotation) finds them by it.</summary>
    public const string EncryptedAnnotation = "PazPaz:Encrypted";

    public static PropertyBuilder<T> IsPersonal<T>(this PropertyBuilder<T> property) =>
        property.HasAnnotation(PersonalAnnotation, true);

    /// <summary>Stored AES-GCM encrypted (see <see cref="FieldEncryptor"/>); always personal.</summary>
    public static PropertyBuilder<string?> IsEncrypted(this PropertyBuilder<string?> property, FieldEncryptor encryptor) =>
        property.HasConversion(new ValueConverter<string?, string?>(
                plain => plain == null ? null : encryptor.Encrypt(plain),
                stored => stored == null ? null : encryptor.Decrypt(stored)))
            .HasColumnType("text")
            .HasAnnotation(EncryptedAnnotation, true)
            .IsPersonal();

    /// <summary>
    /// Encrypted like <see cref="IsEncrypted"/>, for a column that held plaintext before: a value not in the encrypted
    /// format is read as it is until <see cref="PlaintextEncryption"/> has encrypted it. Every write is encrypted.
    /// </summary>
    /// <remarks>Text properties, nullable or not (one method, as <c>PropertyBuilder&lt;string&gt;</c> and <c>&lt;string?&gt;</c> are the same type).</remarks>
    public static PropertyBuilder IsEncryptedAfterPlaintext(this PropertyBuilder property, FieldEncryptor encryptor) =>
        property.HasConversion(new ValueConverter<string?, string?>(
                plain => plain == null ? null : encryptor.Encrypt(plain),
                stored => stored == null ? null : encryptor.DecryptOrPlain(stored)))
            .HasColumnType("text")
            .HasAnnotation(EncryptedAnnotation, true)
            .HasAnnotation(PersonalAnnotation, true);

    /// <summary>A date stored encrypted as its ISO text ("1990-04-02"); the plaintext form during the transition is the same text.</summary>
    public static PropertyBuilder<DateOnly?> IsEncryptedAfterPlaintext(this PropertyBuilder<DateOnly?> property, FieldEncryptor encryptor) =>
        property.HasConversion(new ValueConverter<DateOnly?, string?>(
                date => date == null ? null : encryptor.Encrypt(date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                stored => stored == null ? null : DateOnly.ParseExact(encryptor.DecryptOrPlain(stored), "yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .HasColumnType("text")
            .HasAnnotation(EncryptedAnnotation, true)
            .IsPersonal();

    /// <summary>A list of short texts (tags) stored encrypted as one JSON array; the plaintext form during the transition is the same JSON.</summary>
    public static PropertyBuilder<List<string>> IsEncryptedAfterPlaintext(this PropertyBuilder<List<string>> property, FieldEncryptor encryptor) =>
        property.HasConversion(new ValueConverter<List<string>, string>(
                list => encryptor.Encrypt(JsonSerializer.Serialize(list, (JsonSerializerOptions?)null)),
                stored => JsonSerializer.Deserialize<List<string>>(encryptor.DecryptOrPlain(stored), (JsonSerializerOptions?)null) ?? new List<string>()),
                new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode())),
                    list => list.ToList()))
            .HasColumnType("text")
            .HasAnnotation(EncryptedAnnotation, true)
            .IsPersonal();

    /// <summary>Enums as readable snake_case text ("no_show"), matching the API and the CHECK constraints.</summary>
    public static PropertyBuilder<TEnum> HasSnakeCaseText<TEnum>(this PropertyBuilder<TEnum> property) where TEnum : struct, Enum =>
        property.HasConversion(new ValueConverter<TEnum, string>(v => SnakeCase(v.ToString()), s => Enum.Parse<TEnum>(s.Replace("_", ""), true)))
            .HasMaxLength(32);

    public static string SnakeCase(string name) => CapitalAfterLetter().Replace(name, "$1_$2").ToLowerInvariant();

    /// <summary>A CHECK that the column holds one of the enum's snake_case names.</summary>
    public static string InCheck<TEnum>(string column) where TEnum : struct, Enum =>
        $"{column} IN ({string.Join(", ", Enum.GetNames<TEnum>().Select(n => $"'{SnakeCase(n)}'"))})";

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CapitalAfterLetter();
}
