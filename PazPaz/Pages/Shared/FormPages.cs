using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace PazPaz.Pages.Shared;

/// <summary>What every full-page form does the same way: field errors from an entity's rules, the re-render, the flash.</summary>
public static class FormPages
{
    /// <summary>
    /// Entity problems (keyed by property name) as field errors on <c>Input.&lt;Property&gt;</c>. A field that could not
    /// even be read (letters in a number) keeps the binder's message alone.
    /// </summary>
    public static void AddProblems(this ModelStateDictionary modelState, IReadOnlyDictionary<string, string> problems, string prefix = "Input")
    {
        foreach (var (field, message) in problems)
        {
            var key = $"{prefix}.{field}";
            if (!modelState.HasError(key)) modelState.AddModelError(key, message);
        }
    }

    /// <summary>Whether the field already has an error, so a database check (a taken name) can be skipped.</summary>
    public static bool HasError(this ModelStateDictionary modelState, string key) =>
        modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0;

    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";

    /// <summary>The form again with its errors: 200 for a plain post (the browser shows it), 422 for htmx (configured to swap).</summary>
    public static IActionResult FormWithErrors(this PageModel page)
    {
        if (page.Request.IsHtmx()) page.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return page.Page();
    }

    /// <summary>Shown once on the next page, by Shared/_Flash.</summary>
    public static void Flash(this PageModel page, string message, string kind = "Success") => page.TempData[$"Flash.{kind}"] = message;

    /// <summary>
    /// The form again, showing the newer values someone else saved while it was open (the page has reloaded them into
    /// its input), and _FieldSummary says what happened. Nothing of this post was written. 409 for a plain post; 422 for
    /// htmx, which swaps only that error status into a form (an error page's 409 must not land in a dialog).
    /// </summary>
    public static IActionResult FormChangedElsewhere(this PageModel page, string what)
    {
        page.ViewData[ChangedElsewhereKey] = what;
        page.Response.StatusCode = page.Request.IsHtmx() ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict;
        return page.Page();
    }

    public const string ChangedElsewhereKey = "ChangedElsewhere";
}

/// <summary>
/// How Shared/_Field renders one field. Pass it with the field's model expression:
/// <c>&lt;partial name="_Field" for="Input.Email" view-data='Field.Of(ViewData, "E-mail", type: "email")' /&gt;</c>.
/// </summary>
public sealed record Field(string Label, string Type, string? Hint, string? Autocomplete, bool Required, int? MaxLength,
    string? List, bool ReadOnly, IReadOnlyList<(string Value, string Text)>? Options)
{
    public const string Key = "PazPaz.Field";

    /// <param name="type">text, email, tel, date, number, textarea, checkbox or select (with <paramref name="options"/>).</param>
    public static ViewDataDictionary Of(ViewDataDictionary viewData, string label, string type = "text", string? hint = null,
        string? autocomplete = null, bool required = false, int? maxLength = null, string? list = null, bool readOnly = false,
        IReadOnlyList<(string Value, string Text)>? options = null) =>
        new(viewData) { [Key] = new Field(label, type, hint, autocomplete, required, maxLength, list, readOnly, options) };
}
