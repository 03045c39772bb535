using System.Text;
using Org.BouncyCastle.Asn1.X509;

namespace Twin.Pki.Validation;

/// <summary>
/// Distinguished-name comparison for name chaining (RFC 5280 §7.1): same attributes in the same
/// order, values compared case-insensitively with surrounding and repeated white space ignored,
/// whatever string type encodes them.
/// </summary>
internal static class NameKey
{
    internal static string Of(X509Name name)
    {
        var oids = name.GetOidList();
        var values = name.GetValueList();
        var sb = new StringBuilder();
        for (var i = 0; i < oids.Count; i++)
        {
            sb.Append(oids[i].Id).Append('=');
            var previousSpace = true;
            foreach (var c in values[i].Trim())
            {
                if (char.IsWhiteSpace(c))
                {
                    if (!previousSpace) sb.Append(' ');
                    previousSpace = true;
                }
                else
                {
                    sb.Append(char.ToLowerInvariant(c));
                    previousSpace = false;
                }
            }
            sb.Append('\u0001');
        }
        return sb.ToString();
    }
}
