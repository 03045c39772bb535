using Twin.Pki.Keys;

namespace Twin.Actors.Protocol.Commands;

/// <summary>
/// Asks a subordinate CA to roll over to a key of <paramref name="Algorithm"/> (an algorithm migration): its parent
/// certifies the new key under the same name, the old key keeps signing CRLs for what it issued, as in a rollover.
/// </summary>
public sealed record MigrateCaKey(KeyAlgorithm Algorithm, string Requester) : ICaCommand;

/// <summary>Tells a domain's registrar that the domain's signature suite is now <paramref name="Algorithm"/>: only keys of it are certified from now on.</summary>
public sealed record MigrateSignatureSuite(KeyAlgorithm Algorithm, string Requester) : IRegistrarCommand;

/// <summary>Tells a device to generate keys of <paramref name="Algorithm"/> from its next renewal on (at its usual schedule).</summary>
public sealed record MigrateKeyAlgorithm(KeyAlgorithm Algorithm, string Requester) : IDeviceCommand;
