using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PazPaz.Security;

namespace PazPaz.Data.Configurations;

public static partial class ModelConventions
{
    /// <summary>Annotation read by the audit trail: a personal field's name is recorded, never its value.</summary>
    public const string PersonalAnnotation = "PazPaz:Personal";

    public static PropertyBuilder<T> IsPersonal<T>(this PropertyBuilder<T> property) =>
        property.HasAnnotation(PersonalAnnotation, true);

    /// <summary>Stored AES-GCM encrypted (see <see cref="FieldEncryptor"/>); always personal.</summary>
    public static PropertyBuilder<string?> IsEncrypted(this PropertyBuilder<string?> property, FieldEncryptor encryptor) =>
        property.HasConversion(new ValueConverter<string?, string?>(
                plain => plain == null ? null : encryptor.Encrypt(plain),
                stored => stored == null ? null : encryptor.Decrypt(stored)))
            .HasColumnType("text")
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
