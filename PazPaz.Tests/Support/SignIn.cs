using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Auth;

namespace PazPaz.Tests.Support;

public static class SignIn
{
    /// <summary>Follows a sign-in link as a browser does: open it, press "Sign in". Returns the POST's response.</summary>
    public static async Task<HttpResponseMessage> FollowLinkAsync(this HttpClient client, string link)
    {
        var page = await client.GetPageAsync(new Uri(link).PathAndQuery);
        return await client.SubmitAsync(page);
    }

    /// <summary>A browser signed in as <paramref name="email"/> (link issued as the operator command does).</summary>
    public static async Task<HttpClient> SignedInAsync(this PazPazApp app, string email)
    {
        string? link;
        using (var scope = app.Services.CreateScope())
            link = await scope.ServiceProvider.GetRequiredService<SignInLinks>().CreateForOperatorAsync(email);
        Assert.NotNull(link);
        var client = app.Browser();
        var response = await client.FollowLinkAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/calendar", response.Headers.Location?.OriginalString);
        return client;
    }
}
