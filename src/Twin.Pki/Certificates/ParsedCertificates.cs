namespace Twin.Pki.Certificates;

/// <summary>
/// Certificates parsed lately, by their exact DER bytes, shared by the whole process. One certificate's DER passes through many
/// hands — the CA that issued it, the registrar that journals it, the state folds and the read model that show it — and each
/// called <see cref="Certificate.FromDer"/>, a full BouncyCastle parse with the public key decoded. A <see cref="Certificate"/> is
/// immutable, so the same bytes can share one parsed object. Direct-mapped and bounded (<see cref="Slots"/> entries, DER up to
/// <see cref="MaxDer"/> bytes): a stream of distinct certificates only overwrites slots. A hit needs the same bytes, compared in
/// full; only successful parses are kept, so malformed input fails as it always did.
/// </summary>
internal static class ParsedCertificates
{
    private const int Slots = 256;
    private const int MaxDer = 8 * 1024;

    private sealed record Entry(byte[] Der, Certificate Certificate);

    private static readonly Entry?[] s_slots = new Entry?[Slots];

    /// <summary>The certificate parsed from exactly these bytes, if it is still remembered.</summary>
    internal static Certificate? Find(ReadOnlySpan<byte> der)
    {
        if (der.Length > MaxDer) return null;
        var entry = Volatile.Read(ref s_slots[SlotOf(der)]);
        return entry is not null && der.SequenceEqual(entry.Der) ? entry.Certificate : null;
    }

    /// <summary>Remembers <paramref name="certificate"/> as parsed from <paramref name="der"/> (which the caller no longer changes) and returns it.</summary>
    internal static Certificate Remember(byte[] der, Certificate certificate)
    {
        if (der.Length <= MaxDer) Volatile.Write(ref s_slots[SlotOf(der)], new Entry(der, certificate));
        return certificate;
    }

    // The signature at the end of the DER differs between any two certificates, so hashing the last bytes spreads them.
    private static int SlotOf(ReadOnlySpan<byte> der)
    {
        var hash = new HashCode();
        hash.AddBytes(der.Length > 64 ? der[^64..] : der);
        hash.Add(der.Length);
        return (int)((uint)hash.ToHashCode() % Slots);
    }
}
