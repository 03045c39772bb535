using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Tests.Authority;

/// <summary>The compact serial set answers as a hash set of hex strings would, for every serial length RFC 5280 §4.1.2.2 allows.</summary>
public sealed class SerialSetTests
{
    [Fact]
    public void Membership_matches_a_set_of_hex_strings_for_random_counter_and_long_serials()
    {
        var random = new Random(7);
        var oracle = new HashSet<string>(StringComparer.Ordinal);
        var set = new SerialSet();
        var candidates = new List<SerialNumber>();
        for (var i = 1; i <= 3000; i++) candidates.Add(SerialNumber.Parse(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture))); // small counters: a poor hash would cluster them
        for (var i = 0; i < 3000; i++) candidates.Add(RandomSerial(random, 16));
        for (var i = 0; i < 200; i++) candidates.Add(RandomSerial(random, 1 + random.Next(20))); // every length up to 20 octets

        foreach (var serial in candidates.Where((_, i) => i % 2 == 0))
            Assert.Equal(oracle.Add(serial.Hex), set.Add(serial));

        Assert.Equal(oracle.Count, set.Count);
        foreach (var serial in candidates) Assert.Equal(oracle.Contains(serial.Hex), set.Contains(serial));
        Assert.Equal(oracle.Order(StringComparer.Ordinal), set.Select(s => s.Hex).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_serial_added_twice_is_counted_once_and_a_union_keeps_both_sides()
    {
        var a = new SerialSet();
        var b = new SerialSet();
        var longSerial = SerialNumber.Parse("0102030405060708090a0b0c0d0e0f1011121314");
        Assert.True(a.Add(SerialNumber.Parse("7f")));
        Assert.False(a.Add(SerialNumber.Parse("007F"))); // the same positive integer, however written
        Assert.True(b.Add(longSerial));
        Assert.True(b.Add(SerialNumber.Parse("80")));

        a.UnionWith(b);

        Assert.Equal(3, a.Count);
        Assert.True(a.Contains(longSerial));
        Assert.True(a.Contains(SerialNumber.Parse("80")));
        Assert.False(a.Contains(SerialNumber.Parse("81")));
    }

    [Fact]
    public void A_CA_restored_from_a_set_of_its_serials_revokes_them_and_refuses_others()
    {
        var t0 = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var ca = CertificateAuthority.CreateRoot("CN=Set Root", key, t0, t0.AddYears(5));
        var issued = Enumerable.Range(0, 5).Select(i => ca.Issue(new IssuanceRequest($"CN=leaf{i}", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.LDevId, t0, t0.AddDays(90)))).ToList();
        var serials = new SerialSet();
        foreach (var c in issued) serials.Add(c.SerialNumber);

        var restored = new CertificateAuthority(ca.Certificate, key);
        restored.RecordIssued(serials);

        restored.Revoke(issued[3].SerialNumber, Twin.Pki.Revocation.RevocationReason.KeyCompromise, t0.AddDays(1));
        Assert.Throws<PolicyViolationException>(() => restored.Revoke(SerialNumber.Parse("0badc0de"), Twin.Pki.Revocation.RevocationReason.KeyCompromise, t0.AddDays(1)));
        Assert.Equal(5, restored.IssuedSerials.Count);
    }

    [Fact]
    public void Removing_serials_in_any_order_keeps_membership_as_a_hash_set_of_hex_strings_would()
    {
        var random = new Random(11);
        var oracle = new HashSet<string>(StringComparer.Ordinal);
        var set = new SerialSet();
        var serials = new List<SerialNumber>();
        for (var i = 1; i <= 2000; i++) serials.Add(SerialNumber.Parse(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture))); // clustered probe runs
        for (var i = 0; i < 2000; i++) serials.Add(RandomSerial(random, 16));
        for (var i = 0; i < 50; i++) serials.Add(RandomSerial(random, 17 + random.Next(4)));
        foreach (var serial in serials) { oracle.Add(serial.Hex); set.Add(serial); }

        foreach (var serial in serials.OrderBy(_ => random.Next()).Take(2500))
            Assert.Equal(oracle.Remove(serial.Hex), set.Remove(serial));
        Assert.False(set.Remove(SerialNumber.Parse("0badc0de0badc0de")));

        Assert.Equal(oracle.Count, set.Count);
        foreach (var serial in serials) Assert.Equal(oracle.Contains(serial.Hex), set.Contains(serial));
        foreach (var serial in serials.Where(s => !oracle.Contains(s.Hex)).Take(100)) Assert.True(set.Add(serial)); // a removed serial can be taken again
    }

    private static SerialNumber RandomSerial(Random random, int octets)
    {
        var bytes = new byte[octets];
        random.NextBytes(bytes);
        bytes[0] = (byte)(bytes[0] & 0x7F | 0x01); // positive, no leading zero octet
        return new SerialNumber(bytes);
    }
}
