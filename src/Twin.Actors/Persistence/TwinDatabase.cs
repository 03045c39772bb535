using Npgsql;

namespace Twin.Actors.Persistence;

/// <summary>Which database engine holds the journal.</summary>
public enum DatabaseEngine
{
    /// <summary>An embedded SQLite file: the default, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for runs that outgrow one file or span several nodes.</summary>
    PostgreSql,
}

/// <summary>
/// Where the journal lives: a SQLite file path, or a PostgreSQL server given as a
/// <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string
/// (<c>Host=...;Database=...</c>). The password never appears in <see cref="ToString"/>.
/// </summary>
public sealed record TwinDatabase
{
    private TwinDatabase(DatabaseEngine engine, string target)
    {
        Engine = engine;
        Target = target;
    }

    /// <summary>The engine.</summary>
    public DatabaseEngine Engine { get; }

    /// <summary>The absolute file path (SQLite) or the Npgsql connection string (PostgreSQL).</summary>
    public string Target { get; }

    /// <summary>A SQLite file at <paramref name="path"/> (made absolute).</summary>
    public static TwinDatabase Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(DatabaseEngine.Sqlite, Path.GetFullPath(path));
    }

    /// <summary>A PostgreSQL server reached with the Npgsql <paramref name="connectionString"/>.</summary>
    public static TwinDatabase PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = ParseNpgsql(connectionString, "PostgreSQL connection string");
        return new(DatabaseEngine.PostgreSql, builder.ConnectionString);
    }

    /// <summary>
    /// Reads a database setting: a <c>postgres://</c> or <c>postgresql://</c> URL or a connection
    /// string with a <c>Host=</c> key selects PostgreSQL; anything else is a SQLite file path.
    /// Fails with <see cref="ArgumentException"/> naming <paramref name="setting"/> on a malformed value.
    /// </summary>
    public static TwinDatabase Parse(string value, string setting = "Twin:Database")
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{setting} is empty: give a SQLite file path or a postgres:// URL.", nameof(value));
        var trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new(DatabaseEngine.PostgreSql, FromUrl(trimmed, setting).ConnectionString);
        if (trimmed.Contains("Host=", StringComparison.OrdinalIgnoreCase) && trimmed.Contains('='))
            return new(DatabaseEngine.PostgreSql, ParseNpgsql(trimmed, setting).ConnectionString);
        return Sqlite(trimmed);
    }

    /// <summary>A description safe for logs and the console: the file path, or host, port and database without credentials.</summary>
    public override string ToString()
    {
        if (Engine == DatabaseEngine.Sqlite) return Target;
        var b = new NpgsqlConnectionStringBuilder(Target);
        return $"postgres://{b.Host}:{b.Port}/{b.Database}";
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"{setting}: '{Redact(url)}' is not a URL such as postgres://user:password@127.0.0.1:5432/planttrust.");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new ArgumentException($"{setting}: '{Redact(url)}' names no database; add it as the path (postgres://host:5432/planttrust).");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var val = eq < 0 ? "true" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                builder[key.Replace('_', ' ')] = val;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException($"{setting}: query parameter '{key}' is not an Npgsql connection setting: {e.Message}", e);
            }
        }
        return builder;
    }

    private static NpgsqlConnectionStringBuilder ParseNpgsql(string connectionString, string setting)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Host)) throw new ArgumentException("no Host");
            if (string.IsNullOrEmpty(builder.Database)) throw new ArgumentException("no Database");
            return builder;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"{setting}: not a usable PostgreSQL connection string ({e.Message}).", e);
        }
    }

    private static string Redact(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? url[..(scheme + 3)] + "***@" + url[(at + 1)..] : url;
    }
}
