using PazPaz.Data.Configurations;

namespace PazPaz.Domain;

/// <summary>Enum values as the API (and the pages' forms) spell them: snake_case.</summary>
public static class ApiNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => ModelConventions.SnakeCase(value.ToString());

    public static IEnumerable<string> All<TEnum>() where TEnum : struct, Enum => System.Enum.GetValues<TEnum>().Select(Of);

    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in System.Enum.GetValues<TEnum>())
            if (Of(candidate) == text) { value = candidate; return true; }
        value = default;
        return false;
    }
}
