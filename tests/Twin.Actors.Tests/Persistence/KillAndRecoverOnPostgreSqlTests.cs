using Twin.Actors.Tests.Entities;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Persistence;

/// <summary>Every kill-and-recover test, with the journal and snapshots on a private PostgreSQL server.</summary>
[Collection(PostgreSqlGroup.Name)]
public sealed class KillAndRecoverOnPostgreSqlTests(PostgreSqlFixture postgreSql) : KillAndRecoverTests(postgreSql.NewDatabase("kill_recover"));
