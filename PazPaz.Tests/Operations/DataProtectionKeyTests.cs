using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PazPaz.Tests.Support;

namespace PazPaz.Tests.Operations;

/// <summary>The keys that sign cookies and antiforgery tokens are encrypted at rest with the field keys (#15).</summary>
public sealed class DataProtectionKeyTests(PazPazApp app) : AppTest(app)
{
    [Fact]
    public async Task A_new_signing_key_is_stored_encrypted_and_still_protects_and_unprotects()
    {
        var keys = App.Services.GetRequiredService<IKeyManager>();
        var now = App.Clock.GetUtcNow();

        var created = keys.CreateNewKey(now, now.AddDays(90));

        var xml = await App.WithDbAsync(db => db.DataProtectionKeys.Where(k => k.FriendlyName == $"key-{created.KeyId}").Select(k => k.Xml!).SingleAsync());
        Assert.Contains("encryptedSecret", xml);
        Assert.Contains(nameof(PazPaz.Security.FieldKeyXmlDecryptor), xml);
        Assert.DoesNotContain("<masterKey", xml); // the secret itself, in clear before

        // Read back from the database through the decryptor: the secret comes back whole.
        var again = keys.GetAllKeys().Single(k => k.KeyId == created.KeyId);
        Assert.Contains("<masterKey", again.Descriptor.ExportToXml().SerializedDescriptorElement.ToString());
        var protector = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("session 42", protector.Unprotect(protector.Protect("session 42")));
    }
}
