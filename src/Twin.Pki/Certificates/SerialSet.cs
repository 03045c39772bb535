using System.Collections;
using System.Globalization;

namespace Twin.Pki.Certificates;

/// <summary>
/// A set of certificate serial numbers held as fixed-size binary values: a serial of up to 16 octets (every serial this
/// library issues) is one 128-bit slot of an open-addressed table, about 27 bytes a serial at the table's load, instead of
/// a <see cref="SerialNumber"/> object with its hex string and a hash-set entry (about 200 bytes). Longer serials (RFC
/// 5280 allows 20 octets) are kept by their hex form. Not thread-safe: one owner mutates it.
/// </summary>
public sealed class SerialSet : IReadOnlyCollection<SerialNumber>
{
    private const int MinimumCapacity = 16;
    private UInt128[] _slots = new UInt128[MinimumCapacity];
    private int _short;
    private HashSet<string>? _long;

    /// <summary>How many serials the set holds.</summary>
    public int Count => _short + (_long?.Count ?? 0);

    /// <summary>Adds <paramref name="serial"/>; false when it was already there.</summary>
    public bool Add(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!TryGetValue(serial.Hex, out var value)) return (_long ??= new HashSet<string>(StringComparer.Ordinal)).Add(serial.Hex);
        if ((_short + 1) * 4 > _slots.Length * 3) Grow();
        return Insert(_slots, value, ref _short);
    }

    /// <summary>True when <paramref name="serial"/> is in the set.</summary>
    public bool Contains(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!TryGetValue(serial.Hex, out var value)) return _long?.Contains(serial.Hex) == true;
        var mask = _slots.Length - 1;
        for (var i = Hash(value) & mask; ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == value) return true;
            if (slot == UInt128.Zero) return false;
        }
    }

    /// <summary>Removes <paramref name="serial"/> (a reserved serial given back); false when it was not there.</summary>
    public bool Remove(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!TryGetValue(serial.Hex, out var value)) return _long?.Remove(serial.Hex) == true;
        var mask = _slots.Length - 1;
        var hole = Hash(value) & mask;
        for (; _slots[hole] != value; hole = (hole + 1) & mask)
            if (_slots[hole] == UInt128.Zero) return false;
        // Backward-shift deletion: a later entry of the same probe run moves into the hole unless its home slot lies
        // cyclically after the hole (then a lookup would still reach it without passing the hole).
        for (var next = (hole + 1) & mask; _slots[next] != UInt128.Zero; next = (next + 1) & mask)
        {
            var home = Hash(_slots[next]) & mask;
            var reachable = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (reachable) continue;
            _slots[hole] = _slots[next];
            hole = next;
        }
        _slots[hole] = UInt128.Zero;
        _short--;
        return true;
    }

    /// <summary>Adds every serial of <paramref name="other"/>.</summary>
    public void UnionWith(SerialSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        while ((_short + other._short) * 4 > _slots.Length * 3) Grow();
        foreach (var value in other._slots)
            if (value != UInt128.Zero) Insert(_slots, value, ref _short);
        if (other._long is { } longer) (_long ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(longer);
    }

    /// <summary>
    /// The 128-bit value of a serial in canonical hex (lower case, no leading zero octets, as <see cref="SerialNumber.Hex"/>),
    /// or false when it needs more than 16 octets. Serials are positive, so zero never stands for one.
    /// </summary>
    public static bool TryGetValue(string hex, out UInt128 value)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (UInt128.TryParse(hex.AsSpan().TrimStart('0'), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value != UInt128.Zero) return true;
        value = UInt128.Zero;
        return false;
    }

    /// <summary>The serial whose 128-bit value is <paramref name="value"/> (not zero).</summary>
    public static SerialNumber FromValue(UInt128 value)
    {
        if (value == UInt128.Zero) throw new ArgumentOutOfRangeException(nameof(value), "A certificate serial is positive (RFC 5280 §4.1.2.2).");
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new SerialNumber(bytes.ToArray());
    }

    /// <summary>A well-mixed 32-bit hash of a 128-bit serial (serials from tests and other CAs may be small counters).</summary>
    public static int Hash(UInt128 value)
    {
        var x = (ulong)value ^ (ulong)(value >> 64) * 0x9E3779B97F4A7C15UL;
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        return (int)x & int.MaxValue;
    }

    private static bool Insert(UInt128[] slots, UInt128 value, ref int count)
    {
        var mask = slots.Length - 1;
        for (var i = Hash(value) & mask; ; i = (i + 1) & mask)
        {
            if (slots[i] == value) return false;
            if (slots[i] != UInt128.Zero) continue;
            slots[i] = value;
            count++;
            return true;
        }
    }

    private void Grow()
    {
        var bigger = new UInt128[_slots.Length * 2];
        var count = 0;
        foreach (var value in _slots)
            if (value != UInt128.Zero) Insert(bigger, value, ref count);
        _slots = bigger;
    }

    /// <inheritdoc />
    public IEnumerator<SerialNumber> GetEnumerator()
    {
        foreach (var value in _slots)
            if (value != UInt128.Zero) yield return FromValue(value);
        if (_long is null) yield break;
        foreach (var hex in _long) yield return SerialNumber.Parse(hex);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
