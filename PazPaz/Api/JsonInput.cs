using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PazPaz.Data.Configurations;
using PazPaz.Domain;

namespace PazPaz.Api;

/// <summary>
/// A request body read field by field, so the API can tell "absent" (leave unchanged) from an explicit null
/// and answer every bad value with a 422 that names the field, never a 500.
/// </summary>
public sealed class JsonInput
{
    private readonly JsonObject body;
    private readonly JsonBody shape;
    public Dictionary<string, string[]> Errors { get; } = [];

    private JsonInput(JsonObject body, JsonBody shape)
    {
        this.body = body;
        this.shape = shape;
    }

    /// <summary>
    /// The body <see cref="JsonEdge"/> read and checked before the handler ran. An endpoint that reads a body must say so
    /// with <see cref="JsonEdge.AcceptsJson"/>, or this throws: a forgotten declaration fails the endpoint's first test.
    /// </summary>
    public static JsonInput Of(HttpRequest request) =>
        request.HttpContext.Items[typeof(JsonInput)] as JsonInput ??
        throw new InvalidOperationException($"{request.Method} {request.Path} reads a JSON body but does not declare it with AcceptsJson.");

    /// <summary>
    /// Reads the body; a body that is not a JSON object is itself a 422. So is any text PostgreSQL or .NET cannot hold
    /// (NUL, an escaped lone surrogate such as "\ud800"), any key given twice, wherever they are in the body, and any
    /// top-level field the endpoint does not know (a typo such as "scheduled_strat" would otherwise be ignored silently):
    /// refused here, naming the field, so no endpoint meets them (they used to fail deep inside as 500s).
    /// </summary>
    internal static (JsonInput? Input, IResult? Problem) Parse(ReadOnlyMemory<byte> utf8, JsonBody shape)
    {
        try
        {
            if (utf8.Length == 0 && shape.Optional) return (new JsonInput(new JsonObject(), shape), null);
            using var document = JsonDocument.Parse(utf8);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null && shape.Optional) return (new JsonInput(new JsonObject(), shape), null);
            if (root.ValueKind != JsonValueKind.Object) return (null, ApiResults.Unprocessable("The body must be a JSON object."));
            var errors = new Dictionary<string, string[]>();
            CheckText(root, "", errors);
            if (errors.Count == 0) CheckKnown(root, shape, errors);
            if (errors.Count > 0) return (null, ApiResults.Validation(errors));
            return (new JsonInput(JsonObject.Create(root.Clone())!, shape), null);
        }
        catch (JsonException e)
        {
            return (null, ApiResults.Unprocessable($"The body is not valid JSON: {e.Message}"));
        }
    }

    private static void CheckKnown(JsonElement root, JsonBody shape, Dictionary<string, string[]> errors)
    {
        foreach (var property in root.EnumerateObject())
            if (!shape.Fields.Contains(property.Name))
                errors[property.Name] = [$"Unknown field. This endpoint takes: {string.Join(", ", shape.Fields.Order(StringComparer.Ordinal))}."];
    }

    /// <summary>Every key and string in <paramref name="element"/>: no duplicate keys, no NUL, no lone surrogates.</summary>
    private static void CheckText(JsonElement element, string path, Dictionary<string, string[]> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var index = -1;
                foreach (var property in element.EnumerateObject())
                {
                    index++;
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors[Join(path, $"#{index}")] = ["A field name must be valid Unicode text (it contains half of a surrogate pair)."];
                        continue;
                    }
                    // A NUL in a key would end up in the error's own key: name it by its position instead.
                    if (name.Contains('\0')) { errors[Join(path, $"#{index}")] = ["A field name cannot contain NUL (U+0000) characters."]; continue; }
                    var field = Join(path, name);
                    if (!seen.Add(name)) { errors[field] = ["Appears more than once in the body."]; continue; }
                    CheckText(property.Value, field, errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) CheckText(item, $"{path}[{i++}]", errors);
                break;
            case JsonValueKind.String:
                string? value;
                try
                {
                    value = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    // An escaped lone surrogate ("\ud800") is valid JSON but not text: .NET refuses to read it as a string.
                    errors[path] = ["Must be valid Unicode text (it contains half of a surrogate pair)."];
                    break;
                }
                // PostgreSQL text cannot hold U+0000.
                if (value!.Contains('\0')) errors[path] = ["Cannot contain NUL (U+0000) characters."];
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public bool Has(string name) => body.ContainsKey(Declared(name));
    public bool IsValid => Errors.Count == 0;
    public IResult Problem() => ApiResults.Validation(Errors);

    public void AddError(string name, string message) =>
        Errors[name] = Errors.TryGetValue(name, out var existing) ? [.. existing, message] : [message];

    public string? String(string name, bool required = false, bool nullable = true, int maxLength = 10_000)
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() != JsonValueKind.String) { AddError(name, "Must be a string."); return null; }
        // NUL and lone surrogates never get this far: Parse refused the whole body (CheckText).
        var value = node.GetValue<string>();
        if (value.Length > maxLength) { AddError(name, $"At most {maxLength} characters."); return null; }
        if (!nullable && string.IsNullOrWhiteSpace(value)) { AddError(name, "Cannot be empty."); return null; }
        return value;
    }

    public Guid? Guid(string name, bool required = false, bool nullable = true)
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String && System.Guid.TryParse(node.GetValue<string>(), out var id)) return id;
        AddError(name, "Must be a UUID.");
        return null;
    }

    public DateTimeOffset? Instant(string name, bool required = false, bool nullable = false)
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String &&
            DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) &&
            HasOffset(node.GetValue<string>()))
            return value.ToUniversalTime();
        AddError(name, "Must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T09:00:00Z.");
        return null;
    }

    public DateOnly? Date(string name, bool required = false, bool nullable = true)
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String &&
            DateOnly.TryParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            return value;
        AddError(name, "Must be a date as YYYY-MM-DD.");
        return null;
    }

    public int? Int(string name, bool required = false, bool nullable = false)
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node is JsonValue v && v.TryGetValue<int>(out var value)) return value;
        AddError(name, "Must be a whole number.");
        return null;
    }

    /// <summary>A whole number from 0 to 4,294,967,295 (a session note's revision).</summary>
    public uint? UInt(string name, bool required = false)
    {
        if (!Present(name, required, nullable: false, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node is JsonValue v && v.TryGetValue<uint>(out var value)) return value;
        AddError(name, "Must be a whole number from 0 to 4294967295.");
        return null;
    }

    public bool? Bool(string name, bool required = false)
    {
        if (!Present(name, required, nullable: false, out var node) || node is null) return null;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return node.GetValue<bool>();
        AddError(name, "Must be true or false.");
        return null;
    }

    public List<string>? Strings(string name, bool nullable = false)
    {
        if (!Present(name, required: false, nullable, out var node) || node is null) return null;
        if (node is JsonArray array && array.All(i => i?.GetValueKind() == JsonValueKind.String))
            return array.Select(i => i!.GetValue<string>()).ToList();
        AddError(name, "Must be a list of strings.");
        return null;
    }

    public List<int>? Ints(string name, bool nullable = false)
    {
        if (!Present(name, required: false, nullable, out var node) || node is null) return null;
        if (node is JsonArray array && array.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out _)))
            return array.Select(i => i!.GetValue<int>()).ToList();
        AddError(name, "Must be a list of whole numbers.");
        return null;
    }

    /// <summary>A JSON object, returned as its JSON text.</summary>
    public string? Object(string name, bool nullable = false)
    {
        if (!Present(name, required: false, nullable, out var node) || node is null) return null;
        if (node is JsonObject obj) return obj.ToJsonString();
        AddError(name, "Must be a JSON object.");
        return null;
    }

    /// <summary>An enum by its snake_case name ("no_show"); anything else lists the allowed values.</summary>
    public TEnum? Enum<TEnum>(string name, bool required = false, bool nullable = false) where TEnum : struct, Enum
    {
        if (!Present(name, required, nullable, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String && ApiNames.TryParse<TEnum>(node.GetValue<string>(), out var value)) return value;
        AddError(name, $"Must be one of: {string.Join(", ", ApiNames.All<TEnum>())}.");
        return null;
    }

    /// <summary>A handler reading a field its endpoint did not declare would refuse that very field as unknown: fail loudly instead.</summary>
    private string Declared(string name) => shape.Fields.Contains(name)
        ? name
        : throw new InvalidOperationException($"The field '{name}' is read but not declared in the endpoint's AcceptsJson.");

    private bool Present(string name, bool required, bool nullable, out JsonNode? node)
    {
        if (!body.TryGetPropertyValue(Declared(name), out node))
        {
            if (required) AddError(name, "Is required.");
            return false;
        }
        if (node is null && !nullable)
        {
            AddError(name, "Cannot be null.");
            return false;
        }
        return true;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$");
}

/// <summary>RFC 7807 answers used across the API.</summary>
public static class ApiResults
{
    public static IResult NotFound(string what) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found.");

    public static IResult Unprocessable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request could not be processed.", detail: detail);

    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Some fields are not valid.");

    public static IResult Conflict(string title, object? extensions = null) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: title,
            extensions: extensions is null ? null : new Dictionary<string, object?> { ["details"] = extensions });
}
