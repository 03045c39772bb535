using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// One open one-time reference as a registrar holds it: the reference, its secret and when it was handed out. The object itself is
/// what a verdict made at the endpoint is tied to — a reference spent and handed out again, or derived again from a new registrar
/// key, is another object. The secret never leaves the process; the text form withholds it.
/// </summary>
public sealed class OpenReference
{
    internal OpenReference(string reference, byte[] secret, SimInstant issued)
    {
        Reference = reference;
        Secret = secret;
        Issued = issued;
    }

    /// <summary>The reference (senderKID) the secret is known by.</summary>
    public string Reference { get; }

    /// <summary>When the registrar handed the secret out.</summary>
    public SimInstant Issued { get; }

    internal byte[] Secret { get; }

    /// <inheritdoc />
    public override string ToString() => $"OpenReference({Reference}, issued {Issued}, secret withheld)";
}

/// <summary>
/// The one-time references a registrar holds open, published for its CMP endpoint (<see cref="CmpGate"/>): replaced whole by the
/// registrar, read without a lock by any thread. The endpoint derives and checks a MAC ahead only for a reference it finds here, so
/// an unknown reference costs it no hashing whatever iteration count the request names.
/// </summary>
public sealed class OpenReferences
{
    private ImmutableDictionary<string, OpenReference> _open = ImmutableDictionary.Create<string, OpenReference>(StringComparer.Ordinal);

    /// <summary>The reference as the registrar holds it now, or null when it is not open.</summary>
    public OpenReference? Find(string reference) => Volatile.Read(ref _open).GetValueOrDefault(reference);

    /// <summary>How many references are open.</summary>
    public int Count => Volatile.Read(ref _open).Count;

    // Only the registrar writes, on its own thread.
    internal void Open(OpenReference open) => Volatile.Write(ref _open, _open.SetItem(open.Reference, open));

    internal void Close(string reference) => Volatile.Write(ref _open, _open.Remove(reference));

    internal void Replace(IEnumerable<OpenReference> open) =>
        Volatile.Write(ref _open, ImmutableDictionary.CreateRange(StringComparer.Ordinal, open.Select(o => KeyValuePair.Create(o.Reference, o))));
}

/// <summary>
/// A MAC judged at the endpoint (<see cref="CmpGate"/>) with the secret of <paramref name="Open"/>: the key it verified with, or
/// null when it did not verify. The registrar takes it over only when the reference is still open as that very object.
/// </summary>
public sealed record MacVerdict(OpenReference Open, CmpMacKey? Key)
{
    /// <summary>Whether <paramref name="current"/>, the reference as the registrar holds it at its instant, is the one judged with.</summary>
    public bool HoldsFor(OpenReference? current) => current is not null && ReferenceEquals(current, Open);

    /// <inheritdoc />
    public override string ToString() => $"MacVerdict({Open.Reference}, {(Key is null ? "does not verify" : "verifies")})";
}
