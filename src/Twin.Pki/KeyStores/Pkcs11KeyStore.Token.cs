using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.X509;
using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>Token plumbing: slots, objects, public keys, and signing on the token.</summary>
public sealed partial class Pkcs11KeyStore
{
    private ISlot? FindSlot(string label) =>
        _library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == label);

    private ISlot? InitializeToken(Pkcs11Options options)
    {
        if (options.InitializeWithSoPin is not { } soPin) return null;
        var free = _library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
            ?? throw new PkiException("PKCS#11: no free slot to initialise a token in.");
        free.InitToken(soPin, options.TokenLabel);
        var slot = FindSlot(options.TokenLabel) ?? throw new PkiException($"PKCS#11: token '{options.TokenLabel}' not found after initialisation.");
        using var session = slot.OpenSession(SessionType.ReadWrite);
        session.Login(CKU.CKU_SO, soPin);
        session.InitPin(options.UserPin);
        session.Logout();
        return slot;
    }

    private IObjectHandle? FindPrivate(string label) => FindObject(label, CKO.CKO_PRIVATE_KEY);

    private IObjectHandle? FindObject(string label, CKO kind) =>
        FindAll(_factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, kind), _factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label)).FirstOrDefault();

    // A search template's attributes own unmanaged memory their finalizers free: reachable until the search returned, then freed.
    private List<IObjectHandle> FindAll(params IObjectAttribute[] template)
    {
        try
        {
            return _session.FindAllObjects([.. template]);
        }
        finally
        {
            GC.KeepAlive(template);
            foreach (var attribute in template) attribute.Dispose();
        }
    }

    private PublicKey ReadPublicKey(IObjectHandle handle, KeyAlgorithm algorithm)
    {
        SubjectPublicKeyInfo info;
        if (algorithm is KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384)
        {
            // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point (PKCS#11 v2.40 §2.3.3).
            var point = Asn1OctetString.GetInstance(_session.GetAttributeValue(handle, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray()).GetOctets();
            var curve = algorithm == KeyAlgorithm.EcdsaP256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
            info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve), point);
        }
        else
        {
            var values = _session.GetAttributeValue(handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            var rsa = new RsaKeyParameters(false, new Org.BouncyCastle.Math.BigInteger(1, values[0].GetValueAsByteArray()), new Org.BouncyCastle.Math.BigInteger(1, values[1].GetValueAsByteArray()));
            info = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(rsa);
        }
        return PublicKey.FromSubjectPublicKeyInfo(info.GetDerEncoded());
    }

    private byte[] SignOnToken(IObjectHandle privateKey, KeyAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            switch (algorithm)
            {
                case KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384:
                    // CKM_ECDSA signs a digest. The mechanism owns unmanaged memory its finalizer frees: kept alive over the call.
                    var digest = algorithm == KeyAlgorithm.EcdsaP256
                        ? global::System.Security.Cryptography.SHA256.HashData(data)
                        : global::System.Security.Cryptography.SHA384.HashData(data);
                    using (var ecdsa = _factories.MechanismFactory.Create(CKM.CKM_ECDSA))
                    {
                        var raw = _session.Sign(ecdsa, privateKey, digest);
                        GC.KeepAlive(ecdsa);
                        return EcdsaSigValue(raw);
                    }
                default:
                    using (var rsa = _factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS))
                    {
                        var signature = _session.Sign(rsa, privateKey, data.ToArray());
                        GC.KeepAlive(rsa);
                        return signature;
                    }
            }
        }
    }

    // CKM_ECDSA returns r||s; X.509 and CMS want ECDSA-Sig-Value (RFC 3279 §2.2.3).
    private static byte[] EcdsaSigValue(byte[] raw)
    {
        var half = raw.Length / 2;
        return new DerSequence(
            new DerInteger(new Org.BouncyCastle.Math.BigInteger(1, raw, 0, half)),
            new DerInteger(new Org.BouncyCastle.Math.BigInteger(1, raw, half, half))).GetEncoded("DER");
    }

    private sealed class Pkcs11SigningKey(Pkcs11KeyStore store, string label, KeyAlgorithm algorithm, IObjectHandle handle, PublicKey publicKey) : ISigningKey
    {
        public KeyAlgorithm Algorithm => algorithm;

        public PublicKey PublicKey => publicKey;

        public byte[] Sign(ReadOnlySpan<byte> data)
        {
            try
            {
                return store.SignOnToken(handle, algorithm, data);
            }
            catch (Pkcs11Exception e)
            {
                throw new PkiException($"PKCS#11 store '{store.Name}': signing with '{label}' failed ({e.RV}).", e);
            }
        }

        public override string ToString() => $"Pkcs11Key({store.Name}/{label}, {algorithm}, on token)";
    }
}
