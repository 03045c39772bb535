namespace Twin.Pki.Authority;

/// <summary>
/// Name constraints a CA certificate places on everything below it (RFC 5280 §4.2.1.10). DNS and
/// e-mail entries follow RFC 5280's forms ("plant.example" covers the host and its subdomains,
/// ".plant.example" only subdomains); URI entries name hosts; directory names are DNs.
/// </summary>
public sealed record NameConstraints
{
    /// <summary>Permitted DNS name subtrees.</summary>
    public IReadOnlyList<string> PermittedDnsNames { get; init; } = [];

    /// <summary>Excluded DNS name subtrees.</summary>
    public IReadOnlyList<string> ExcludedDnsNames { get; init; } = [];

    /// <summary>Permitted directory name subtrees (DNs).</summary>
    public IReadOnlyList<string> PermittedDirectoryNames { get; init; } = [];

    /// <summary>Excluded directory name subtrees (DNs).</summary>
    public IReadOnlyList<string> ExcludedDirectoryNames { get; init; } = [];

    /// <summary>Permitted URI hosts or domains.</summary>
    public IReadOnlyList<string> PermittedUris { get; init; } = [];

    /// <summary>Excluded URI hosts or domains.</summary>
    public IReadOnlyList<string> ExcludedUris { get; init; } = [];

    /// <summary>Permitted e-mail addresses, hosts or domains.</summary>
    public IReadOnlyList<string> PermittedEmails { get; init; } = [];

    /// <summary>Excluded e-mail addresses, hosts or domains.</summary>
    public IReadOnlyList<string> ExcludedEmails { get; init; } = [];

    internal bool IsEmpty =>
        PermittedDnsNames.Count + ExcludedDnsNames.Count + PermittedDirectoryNames.Count + ExcludedDirectoryNames.Count +
        PermittedUris.Count + ExcludedUris.Count + PermittedEmails.Count + ExcludedEmails.Count == 0;
}
