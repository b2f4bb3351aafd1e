using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace PazPaz.Security;

/// <summary>
/// The keys that sign cookies and antiforgery tokens are stored in the database (data_protection_keys), encrypted with
/// the same versioned keys as personal fields (Encryption:Keys): a database dump alone cannot forge a session. Keys written
/// before this were stored plain; DataProtection still reads those until they expire (90 days) and writes new ones encrypted.
/// </summary>
public sealed class FieldKeyXmlEncryptor(FieldEncryptor encryptor) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("encryptedKey",
                new XComment(" Encrypted with PazPaz's field keys (Encryption:Keys); the version is the prefix. "),
                new XElement("value", encryptor.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting)))),
            typeof(FieldKeyXmlDecryptor));
}

/// <summary>Made by DataProtection itself (through this constructor) when it reads an encrypted key.</summary>
public sealed class FieldKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<FieldEncryptor>().Decrypt((string?)encryptedElement.Element("value") ??
            throw new FormatException("An encrypted DataProtection key without its value.")));
}
