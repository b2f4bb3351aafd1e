using PazPaz.Data.Configurations;

namespace PazPaz.Api;

public static class EntityProblems
{
    /// <summary>
    /// An entity's problems (keyed by property name, e.g. "DefaultDurationMinutes") as 422 field errors under the
    /// API's names ("default_duration_minutes"), unless that field already failed to parse.
    /// </summary>
    public static void AddProblems(this JsonInput input, IReadOnlyDictionary<string, string> problems)
    {
        foreach (var (property, message) in problems)
        {
            var field = ModelConventions.SnakeCase(property);
            if (!input.Errors.ContainsKey(field)) input.AddError(field, message);
        }
    }
}
