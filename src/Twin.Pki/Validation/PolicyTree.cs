using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Twin.Pki.Validation;

/// <summary>
/// Certificate policy processing of RFC 5280 §6.1 (valid_policy_tree, explicit_policy, policy_mapping,
/// inhibit_anyPolicy) with the relying party's inputs from <see cref="ValidationPolicy"/>. One instance per candidate path.
/// </summary>
internal sealed class PolicyTree
{
    private const string AnyPolicy = "2.5.29.32.0";
    private readonly List<List<Node>> _levels = [];
    private int _explicitPolicy;
    private int _policyMapping;
    private int _inhibitAnyPolicy;
    private readonly HashSet<string> _userPolicies;

    private sealed class Node(string policy, HashSet<string> expected, Node? parent)
    {
        public string Policy { get; } = policy;
        public HashSet<string> Expected { get; set; } = expected;
        public Node? Parent { get; } = parent;
        public List<Node> Children { get; } = [];
    }

    internal PolicyTree(int pathLength, ValidationPolicy inputs)
    {
        _levels.Add([new Node(AnyPolicy, [AnyPolicy], null)]);
        _explicitPolicy = inputs.RequireExplicitPolicy ? 0 : pathLength + 1;
        _policyMapping = inputs.InhibitPolicyMapping ? 0 : pathLength + 1;
        _inhibitAnyPolicy = inputs.InhibitAnyPolicy ? 0 : pathLength + 1;
        _userPolicies = inputs.AcceptablePolicies.Count == 0 ? [AnyPolicy] : [.. inputs.AcceptablePolicies];
    }

    private bool IsNull => _levels.Count == 0 || _levels[0].Count == 0;

    /// <summary>§6.1.3 (d)–(f) for certificate <paramref name="i"/> (1-based from the anchor). False when (f) fails.</summary>
    internal bool Process(X509Certificate cert, int i, bool selfIssued, bool isLeaf)
    {
        var policies = CertificatePolicies(cert);
        if (policies is null)
        {
            _levels.Clear(); // (e)
        }
        else if (!IsNull)
        {
            var parents = _levels[i - 1];
            var level = new List<Node>();
            foreach (var p in policies.Where(p => p != AnyPolicy)) // (d)(1)
            {
                var matches = parents.Where(n => n.Expected.Contains(p)).ToList();
                if (matches.Count == 0) matches = [.. parents.Where(n => n.Policy == AnyPolicy)];
                foreach (var parent in matches) level.Add(AddChild(parent, p));
            }
            if (policies.Contains(AnyPolicy) && (_inhibitAnyPolicy > 0 || (!isLeaf && selfIssued))) // (d)(2)
                foreach (var parent in parents)
                    foreach (var expected in parent.Expected.Where(e => parent.Children.All(c => c.Policy != e)).ToList())
                        level.Add(AddChild(parent, expected));
            _levels.Add(level);
            Prune(i - 1); // (d)(3)
        }
        return _explicitPolicy > 0 || !IsNull; // (f)
    }

    /// <summary>§6.1.4 (a), (b), (h)–(j) before certificate i+1. False when a mapping involves anyPolicy.</summary>
    internal bool Prepare(X509Certificate cert, int i, bool selfIssued)
    {
        var mappings = PolicyMappings(cert);
        if (mappings.Any(m => m.IssuerDomain == AnyPolicy || m.SubjectDomain == AnyPolicy)) return false; // (a)
        if (!IsNull && _levels.Count > i)
        {
            foreach (var group in mappings.GroupBy(m => m.IssuerDomain)) // (b)
            {
                var mapped = group.Select(m => m.SubjectDomain).ToHashSet();
                var nodes = _levels[i].Where(n => n.Policy == group.Key).ToList();
                if (_policyMapping > 0)
                {
                    foreach (var n in nodes) n.Expected = mapped;
                    if (nodes.Count == 0 && _levels[i].FirstOrDefault(n => n.Policy == AnyPolicy) is { Parent: { } parent })
                        _levels[i].Add(AddChild(parent, group.Key, mapped));
                }
                else
                {
                    foreach (var n in nodes)
                    {
                        _levels[i].Remove(n);
                        n.Parent?.Children.Remove(n);
                    }
                    Prune(i - 1);
                }
            }
        }
        if (!selfIssued) // (h)
        {
            if (_explicitPolicy > 0) _explicitPolicy--;
            if (_policyMapping > 0) _policyMapping--;
            if (_inhibitAnyPolicy > 0) _inhibitAnyPolicy--;
        }
        var (requireExplicit, inhibitMapping) = PolicyConstraints(cert); // (i)
        if (requireExplicit is int r && r < _explicitPolicy) _explicitPolicy = r;
        if (inhibitMapping is int m2 && m2 < _policyMapping) _policyMapping = m2;
        if (InhibitAnyPolicy(cert) is int a && a < _inhibitAnyPolicy) _inhibitAnyPolicy = a; // (j)
        return true;
    }

    /// <summary>§6.1.5 (a), (b), (g) for the end entity. False when no acceptable policy remains while one is required.</summary>
    internal bool WrapUp(X509Certificate leaf)
    {
        if (_explicitPolicy > 0) _explicitPolicy--;
        if (PolicyConstraints(leaf).RequireExplicit == 0) _explicitPolicy = 0;
        if (!IsNull && !_userPolicies.Contains(AnyPolicy)) Intersect();
        return _explicitPolicy > 0 || !IsNull;
    }

    // §6.1.5 (g)(iii): keep only branches whose policy the relying party accepts.
    private void Intersect()
    {
        var depth = _levels.Count - 1;
        var validSet = _levels.Skip(1).SelectMany(l => l).Where(n => n.Parent?.Policy == AnyPolicy).ToList();
        foreach (var node in validSet.Where(n => n.Policy != AnyPolicy && !_userPolicies.Contains(n.Policy)))
            Remove(node);
        var anyLeaf = _levels[depth].FirstOrDefault(n => n.Policy == AnyPolicy);
        if (anyLeaf?.Parent is { } parent)
        {
            foreach (var p in _userPolicies.Where(p => validSet.All(n => n.Policy != p)))
                _levels[depth].Add(AddChild(parent, p));
            Remove(anyLeaf);
        }
        Prune(depth - 1);
    }

    private void Remove(Node node)
    {
        foreach (var child in node.Children.ToList()) Remove(child);
        foreach (var level in _levels) level.Remove(node);
        node.Parent?.Children.Remove(node);
    }

    private static Node AddChild(Node parent, string policy, HashSet<string>? expected = null)
    {
        var child = new Node(policy, expected ?? [policy], parent);
        parent.Children.Add(child);
        return child;
    }

    // Removes childless nodes from depth `from` up to the root; an empty root level means the tree is NULL.
    private void Prune(int from)
    {
        for (var depth = Math.Min(from, _levels.Count - 2); depth >= 0; depth--)
        {
            foreach (var n in _levels[depth].Where(n => n.Children.Count == 0).ToList())
            {
                _levels[depth].Remove(n);
                n.Parent?.Children.Remove(n);
            }
        }
        if (IsNull) _levels.Clear();
    }

    private static Asn1Object? Extension(X509Certificate cert, DerObjectIdentifier oid)
    {
        var value = cert.GetExtensionValue(oid);
        return value is null ? null : X509ExtensionUtilities.FromExtensionValue(value);
    }

    private static List<string>? CertificatePolicies(X509Certificate cert) =>
        Extension(cert, X509Extensions.CertificatePolicies) is { } v
            ? [.. Asn1Sequence.GetInstance(v).Cast<Asn1Encodable>().Select(p => PolicyInformation.GetInstance(p).PolicyIdentifier.Id)]
            : null;

    private static List<(string IssuerDomain, string SubjectDomain)> PolicyMappings(X509Certificate cert) =>
        Extension(cert, X509Extensions.PolicyMappings) is { } v
            ? [.. Asn1Sequence.GetInstance(v).Cast<Asn1Encodable>().Select(e => Asn1Sequence.GetInstance(e))
                .Select(s => (DerObjectIdentifier.GetInstance(s[0]).Id, DerObjectIdentifier.GetInstance(s[1]).Id))]
            : [];

    private static (int? RequireExplicit, int? InhibitMapping) PolicyConstraints(X509Certificate cert)
    {
        if (Extension(cert, X509Extensions.PolicyConstraints) is not { } v) return (null, null);
        int? require = null, inhibit = null;
        foreach (var element in Asn1Sequence.GetInstance(v))
        {
            var tagged = Asn1TaggedObject.GetInstance(element);
            var value = DerInteger.GetInstance(tagged, false).IntValueExact;
            if (tagged.TagNo == 0) require = value; else if (tagged.TagNo == 1) inhibit = value;
        }
        return (require, inhibit);
    }

    private static int? InhibitAnyPolicy(X509Certificate cert) =>
        Extension(cert, X509Extensions.InhibitAnyPolicy) is { } v ? DerInteger.GetInstance(v).IntValueExact : null;
}
