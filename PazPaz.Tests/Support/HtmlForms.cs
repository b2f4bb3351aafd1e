using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace PazPaz.Tests.Support;

/// <summary>Reads pages with AngleSharp and submits their forms the way a browser would, antiforgery token included.</summary>
public static class HtmlForms
{
    public static async Task<IDocument> ParseAsync(this HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(html).Address(response.RequestMessage!.RequestUri!));
    }

    public static async Task<IDocument> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}");
        return await response.ParseAsync();
    }

    /// <summary>Submits the form matched by <paramref name="formSelector"/> with its own fields, overridden by <paramref name="values"/>.</summary>
    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, IDocument page, string formSelector = "main form",
        IReadOnlyDictionary<string, string>? values = null)
    {
        var form = page.QuerySelector<IHtmlFormElement>(formSelector) ?? throw new InvalidOperationException($"No form matches '{formSelector}'.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement { Name: { Length: > 0 } name } input when input.Type is not ("submit" or "button" or "checkbox" or "radio") || input.IsChecked:
                    fields.Add(new(name, input.Value));
                    break;
                case IHtmlTextAreaElement { Name: { Length: > 0 } name } textArea:
                    fields.Add(new(name, textArea.Value));
                    break;
                case IHtmlSelectElement { Name: { Length: > 0 } name } select:
                    fields.Add(new(name, select.Value ?? ""));
                    break;
            }
        }
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            fields.RemoveAll(f => f.Key == name);
            fields.Add(new(name, value));
        }
        // Resolved against the page ourselves: AngleSharp hands back a relative action as written, which Uri would read as a file path.
        var action = form.GetAttribute("action") is { Length: > 0 } written ? new Uri(new Uri(page.Url), written) : new Uri(page.Url);
        return client.PostAsync(action.PathAndQuery, new FormUrlEncodedContent(fields));
    }
}
