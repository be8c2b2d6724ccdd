using System.Globalization;
using Marten;
using CommunityAI.ServiceDefaults.History;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// Prepares the database as its owner (the migration role), before any service starts: the service roles, the
/// history's tables with the services' own settings and the indexes some service's reads need
/// (<see cref="HistoryIndexes"/>), the guard on stream prefixes, and one schema per service owned by that service's
/// role. Safe to run again (each release, each test class): every step is idempotent.
/// </summary>
/// <remarks>
/// Services then connect with their own role. They still apply their schema on start (Marten's CreateOrUpdate), which
/// finds the history as this set-up left it and changes only the service's own schema; a release that changes the
/// history's tables must run this set-up first, or the service's start fails with "permission denied" and writes nothing.
/// </remarks>
public static class DatabaseSetup
{
    /// <summary>Applies everything. <paramref name="passwords"/> (role → password) creates or updates those roles with
    /// login; roles absent from it must exist already (an operator may create them with its own tooling).</summary>
    public static async Task ApplyAsync(string ownerConnectionString, IReadOnlyDictionary<string, string> passwords, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        foreach (var role in ServiceRoles.All)
            await EnsureRoleAsync(dataSource, role.Role, passwords.GetValueOrDefault(role.Role), readsActivity: true, ct);
        await EnsureRoleAsync(dataSource, ServiceRoles.Audit, passwords.GetValueOrDefault(ServiceRoles.Audit), readsActivity: false, ct);

        await ExecuteAsync(dataSource, "CREATE SCHEMA IF NOT EXISTS history", ct);
        await using (var store = DocumentStore.For(options =>
        {
            options.Connection(ownerConnectionString);
            HistoryStoreExtensions.ConfigureHistory(options, HistoryStoreExtensions.EventsSchema);
            // Marten creates the event tables only for a store that knows some event type; which one does not matter.
            options.Events.AddEventType<CommunityAI.Contracts.ContributionSubmitted>();
        }))
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        await HistoryIndexes.CreateAsync(dataSource, ct);
        await ExecuteAsync(dataSource, HistoryGuard.InstallSql, ct);
        await ExecuteAsync(dataSource, GrantsSql(), ct);
        foreach (var role in ServiceRoles.All)
            foreach (var schema in role.Schemas)
                await ExecuteAsync(dataSource, OwnSchemaSql(role.Role, schema), ct);
        await ExecuteAsync(dataSource, LogReadersSql(), ct);
    }

    /// <summary>The owner's connection string with a service role's login instead.</summary>
    public static string ConnectionStringFor(string ownerConnectionString, string role, string? password) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = role, Password = password }.ConnectionString;

    private static async Task EnsureRoleAsync(NpgsqlDataSource dataSource, string role, string? password, bool readsActivity, CancellationToken ct)
    {
        var sql = $"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                    CREATE ROLE {role} LOGIN;
                END IF;
            END $$;
            {(password is null ? "" : $"ALTER ROLE {role} WITH LOGIN PASSWORD {Literal(password)};")}
            {(readsActivity ? $"GRANT pg_read_all_stats TO {role};" : "")}
            """;
        // Roles belong to the whole server: test classes (and replicas of a Job) setting up databases side by side race
        // on the same rows of pg_authid, which PostgreSQL answers with a duplicate or a concurrent-update error.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(dataSource, sql, ct);
                return;
            }
            catch (PostgresException e) when (attempt < 20 && e.SqlState is PostgresErrorCodes.UniqueViolation
                or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.InternalError or PostgresErrorCodes.SerializationFailure)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt + Random.Shared.Next(50)), ct);
            }
        }
    }

    private static string GrantsSql()
    {
        var services = string.Join(", ", ServiceRoles.All.Select(r => r.Role));
        var readers = $"{services}, {ServiceRoles.Audit}";
        var writers = string.Join(",\n", ServiceRoles.All.Select(r => $"('{r.Role}', {Literal(r.StreamPrefix)})"));
        return $"""
            INSERT INTO {HistoryGuard.WritersTable} (role_name, stream_prefix) VALUES
            {writers}
            ON CONFLICT (role_name) DO UPDATE SET stream_prefix = EXCLUDED.stream_prefix;
            DO $$ BEGIN
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO {readers}', current_database());
                -- Services run "CREATE SCHEMA IF NOT EXISTS" for their own schema on start, which PostgreSQL checks
                -- against this privilege even when the schema exists.
                EXECUTE format('GRANT CREATE ON DATABASE %I TO {services}', current_database());
            END $$;
            REVOKE ALL ON SCHEMA history FROM PUBLIC;
            REVOKE ALL ON ALL TABLES IN SCHEMA history FROM PUBLIC;
            GRANT USAGE ON SCHEMA history TO {readers};
            GRANT SELECT ON ALL TABLES IN SCHEMA history TO {readers};
            GRANT INSERT ON history.mt_events TO {services};
            GRANT INSERT, UPDATE ON history.mt_streams TO {services};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA history TO {services};
            -- information_schema hides the keys of a table a role may only SELECT, so a service's schema check at start
            -- would "repair" them (drop and add each primary key) and fail. REFERENCES makes them visible and lets a
            -- role do nothing more than point a foreign key at the history.
            GRANT REFERENCES ON ALL TABLES IN SCHEMA history TO {services};
            -- The guard reads the prefixes as the writing role: any role that may write at all must be able to read them.
            GRANT SELECT ON {HistoryGuard.WritersTable} TO PUBLIC;
            """;
    }

    /// <summary>The schema belongs to the service's role, and so does everything already in it (a database that ran
    /// under one shared role before), so only that role can write its read models.</summary>
    private static string OwnSchemaSql(string role, string schema) => $$"""
        DO $$
        DECLARE
            item record;
        BEGIN
            IF NOT pg_has_role(current_user, '{{role}}', 'MEMBER') THEN
                EXECUTE 'GRANT {{role}} TO ' || quote_ident(current_user);
            END IF;
            CREATE SCHEMA IF NOT EXISTS {{schema}} AUTHORIZATION {{role}};
            ALTER SCHEMA {{schema}} OWNER TO {{role}};
            REVOKE ALL ON SCHEMA {{schema}} FROM PUBLIC;
            FOR item IN
                SELECT c.relname, c.relkind FROM pg_class c
                WHERE c.relnamespace = '{{schema}}'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  AND c.relowner <> '{{role}}'::regrole
                  AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
            LOOP
                EXECUTE format('ALTER %s %I.%I OWNER TO {{role}}',
                    CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                    '{{schema}}', item.relname);
            END LOOP;
            FOR item IN
                SELECT p.oid::regprocedure AS routine FROM pg_proc p
                WHERE p.pronamespace = '{{schema}}'::regnamespace AND p.proowner <> '{{role}}'::regrole
            LOOP
                EXECUTE format('ALTER ROUTINE %s OWNER TO {{role}}', item.routine);
            END LOOP;
        END $$;
        """;

    private static string LogReadersSql()
    {
        var readers = string.Join(", ", ServiceRoles.LogReaders);
        var schema = ServiceRoles.LogSchema;
        return $"""
            GRANT USAGE ON SCHEMA {schema} TO {readers};
            GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {readers};
            ALTER DEFAULT PRIVILEGES FOR ROLE {ServiceRoles.ChainBridge.Role} IN SCHEMA {schema} GRANT SELECT ON TABLES TO {readers};
            """;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
