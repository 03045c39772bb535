namespace Twin.Actors.Protocol.Commands;

/// <summary>
/// Asks a CA whether it issued the certificate with <paramref name="Serial"/> (hex) under the issuer name <paramref name="Issuer"/>
/// and still keeps its record (the retention policy purges records of long-expired certificates); answered with <see cref="CertificateRecord"/>.
/// </summary>
public sealed record GetCertificateRecord(string Serial, string Issuer) : ICaCommand;

/// <summary>
/// A CA's record of one certificate: <paramref name="Known"/> when it issued it and keeps its record; <paramref name="Revoked"/>
/// when it is revoked for good (a certificate on hold is not).
/// </summary>
public sealed record CertificateRecord(string Serial, bool Known, bool Revoked);
