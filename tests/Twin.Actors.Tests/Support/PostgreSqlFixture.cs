using Twin.Tests.Support;

namespace Twin.Actors.Tests.Support;

/// <summary>One throwaway PostgreSQL server for every test class in the "postgresql" collection; each test takes a fresh database on it.</summary>
public sealed class PostgreSqlFixture : IDisposable
{
    private readonly Lazy<PostgreSqlServer> _server = new(PostgreSqlServer.Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A new empty database; its connection string.</summary>
    public string NewDatabase(string prefix) => _server.Value.CreateDatabase(prefix);

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlGroup : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "postgresql";
}
