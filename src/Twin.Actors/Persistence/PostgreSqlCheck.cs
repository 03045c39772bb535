using Npgsql;

namespace Twin.Actors.Persistence;

/// <summary>Reaches a PostgreSQL server once before Akka starts, so that a bad address or password fails early with a clear message.</summary>
internal static class PostgreSqlCheck
{
    public static void Reach(TwinDatabase database)
    {
        try
        {
            using var connection = new NpgsqlConnection(database.Target);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.ExecuteScalar();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The description carries host, port and database, never the password.
            throw new StorageUnavailableException($"The PostgreSQL journal at {database} cannot be reached: {e.Message}", e);
        }
    }
}
