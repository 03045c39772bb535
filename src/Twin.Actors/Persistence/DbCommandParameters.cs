using System.Data.Common;

namespace Twin.Actors.Persistence;

/// <summary>Named parameters on the journal's own queries (SQLite and PostgreSQL alike; names carry their '@').</summary>
internal static class DbCommandParameters
{
    /// <summary>Adds the parameter <paramref name="name"/> with <paramref name="value"/> to <paramref name="command"/>.</summary>
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
