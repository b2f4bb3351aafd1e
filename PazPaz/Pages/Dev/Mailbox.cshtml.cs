using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MimeKit;
using PazPaz.Auth;
using PazPaz.Data;
using PazPaz.Operations;
using PazPaz.Pages.Calendar;

namespace PazPaz.Pages.Dev;

/// <summary>Reads the .eml pickup folder so a developer can follow sign-in links without a mail server. Development only.</summary>
public sealed partial class MailboxModel(IWebHostEnvironment environment, IOptions<EmailOptions> email, PazPazDb db, CurrentUser current) : PageModel
{
    /// <summary>Times read in the signed-in practice's zone; before signing in (to follow a sign-in link) in UTC. Always labelled.</summary>
    public PracticeZone? Zone { get; private set; }

    public sealed record Part(string Text, bool IsLink);
    public sealed record Message(string Subject, string To, DateTimeOffset Date, List<Part> Parts);

    public string Folder => email.Value.PickupDirectory;
    public List<Message> Messages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return NotFound();
        if (current.IsSignedIn) Zone = await PracticeZone.LoadAsync(db, cancellationToken);
        if (!Directory.Exists(Folder)) return Page();
        foreach (var file in new DirectoryInfo(Folder).GetFiles("*.eml").OrderByDescending(f => f.Name).Take(50))
        {
            var mime = await MimeMessage.LoadAsync(file.FullName, cancellationToken);
            Messages.Add(new Message(mime.Subject ?? "(no subject)", mime.To.ToString(), mime.Date, Split(mime.TextBody ?? "")));
        }
        return Page();
    }

    public string When(DateTimeOffset date) => Zone is null
        ? date.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", PracticeZone.Culture) + " UTC"
        : Zone.ToLocal(date).ToString("yyyy-MM-dd HH:mm:ss", PracticeZone.Culture) + " " + Zone.Id;

    private static List<Part> Split(string text)
    {
        var parts = new List<Part>();
        var last = 0;
        foreach (Match match in LinkPattern().Matches(text))
        {
            parts.Add(new Part(text[last..match.Index], false));
            parts.Add(new Part(match.Value, true));
            last = match.Index + match.Length;
        }
        parts.Add(new Part(text[last..], false));
        return parts;
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex LinkPattern();
}
