using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>The device generates keys of <paramref name="Algorithm"/> (a <c>KeyAlgorithm</c> name) from now on: its domain migrated.</summary>
[PersistedAs("dev.key-algorithm-migrated.v1")]
public sealed record DeviceKeyAlgorithmMigrated(RunId Run, SimInstant At, EntityId Entity, string Algorithm, string Requester) : ITwinEvent;

/// <summary>The registrar of <paramref name="Domain"/> certifies keys of <paramref name="Algorithm"/> only from now on (its signature suite changed).</summary>
[PersistedAs("reg.suite-migrated.v1")]
public sealed record RegistrarSuiteMigrated(RunId Run, SimInstant At, EntityId Entity, string Domain, string Algorithm, string Requester) : ITwinEvent;
