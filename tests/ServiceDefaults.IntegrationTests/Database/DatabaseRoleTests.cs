using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Npgsql;

namespace ServiceDefaults.IntegrationTests.Database;

/// <summary>
/// Each service's PostgreSQL role as an attacker holding its password would use it: the database itself refuses every
/// write outside the service's own streams and schema, and nothing is written.
/// </summary>
public sealed class DatabaseRoleTests(RoleDatabase database) : IClassFixture<RoleDatabase>
{
    private const string InsufficientPrivilege = PostgresErrorCodes.InsufficientPrivilege;

    [Fact]
    public async Task A_service_starts_under_its_own_role_and_appends_to_its_own_streams()
    {
        await using var store = await database.StartStoreAsync(ServiceRoles.Contributions);
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream("contributions/own-1", new ProbeRecorded("mine"));
            session.Store(new ProbeView { Id = "own-1", Note = "mine" });
            await session.SaveChangesAsync();
        }
        await using (var session = store.LightweightSession())
        {
            session.Events.Append("contributions/own-1", new ProbeRecorded("mine again"));
            await session.SaveChangesAsync();
        }

        Assert.Equal(2, await database.OwnerCountAsync("SELECT count(*) FROM history.mt_events WHERE stream_id = 'contributions/own-1'"));
        Assert.Equal(2, await database.OwnerCountAsync("SELECT version FROM history.mt_streams WHERE id = 'contributions/own-1'"));
    }

    [Fact]
    public async Task Appending_to_another_services_stream_is_refused_by_the_database_with_nothing_written()
    {
        await using (var scoring = await database.StartStoreAsync(ServiceRoles.QualityScoring))
        await using (var session = scoring.LightweightSession())
        {
            session.Events.StartStream("scoring/victim-1", new ProbeRecorded("genuine"));
            await session.SaveChangesAsync();
        }
        await using var contributions = await database.StartStoreAsync(ServiceRoles.Contributions);

        // Through the service's own store: a new stream under another prefix, and an append to an existing one.
        var started = await RefusalOf(async () =>
        {
            await using var session = contributions.LightweightSession();
            session.Events.StartStream("scoring/forged-1", new ProbeRecorded("forged score"));
            await session.SaveChangesAsync();
        });
        var appended = await RefusalOf(async () =>
        {
            await using var session = contributions.LightweightSession();
            session.Events.Append("scoring/victim-1", new ProbeRecorded("forged review"));
            await session.SaveChangesAsync();
        });
        // By hand, past Marten: a row with a prefix that merely looks like its own.
        var raw = await database.TryAsAsync(ServiceRoles.Contributions.Role, """
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            VALUES (nextval('history.mt_events_sequence'), gen_random_uuid(), 'contributionsX/../ledger/credit', 1, '{}', 'probe_recorded', now(), '*DEFAULT*', 'x')
            """);

        Assert.All([started, appended, raw], refusal => Assert.Equal(InsufficientPrivilege, refusal?.SqlState));
        Assert.Contains("may write only streams under contributions/", started!.MessageText, StringComparison.Ordinal);
        Assert.Equal(0, await database.OwnerCountAsync(
            "SELECT count(*) FROM history.mt_events WHERE stream_id IN ('scoring/forged-1', 'contributionsX/../ledger/credit') OR data->>'note' = 'forged review'"));
        Assert.Equal(0, await database.OwnerCountAsync("SELECT count(*) FROM history.mt_streams WHERE id = 'scoring/forged-1'"));
        Assert.Equal(1, await database.OwnerCountAsync("SELECT version FROM history.mt_streams WHERE id = 'scoring/victim-1'"));
    }

    [Fact]
    public async Task A_service_role_cannot_turn_the_guard_off_or_move_its_prefix()
    {
        var role = ServiceRoles.RewardLedger.Role;
        string[] attempts =
        [
            "ALTER TABLE history.mt_events DISABLE TRIGGER stream_writer_guard",
            "DROP TRIGGER stream_writer_guard ON history.mt_streams",
            "UPDATE history.stream_writers SET stream_prefix = 'chain/' WHERE role_name = current_user",
            "INSERT INTO history.stream_writers VALUES ('communityai_audit', 'chain/')",
            "SET session_replication_role = replica",
            "CREATE OR REPLACE FUNCTION history.check_stream_writer(stream text) RETURNS void LANGUAGE sql AS 'SELECT'",
            "SET ROLE communityai_chain_bridge",
            "TRUNCATE history.mt_events",
        ];

        foreach (var attempt in attempts)
        {
            var refusal = await database.TryAsAsync(role, attempt);
            Assert.True(refusal is not null, $"accepted: {attempt}");
        }
        // Turning triggers off for the session and appending in the same session still fails.
        var forged = await database.TryAsAsync(role, """
            SET session_replication_role = replica;
            INSERT INTO history.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
            VALUES ('chain/anchors/forged', null, 1, now(), now(), '*DEFAULT*', false);
            """);
        Assert.NotNull(forged);
        Assert.Equal("ledger/", await ScalarAsync<string>("SELECT stream_prefix FROM history.stream_writers WHERE role_name = 'communityai_reward_ledger'"));
        Assert.Equal(0, await database.OwnerCountAsync("SELECT count(*) FROM history.mt_streams WHERE id = 'chain/anchors/forged'"));
        Assert.Equal(2, await database.OwnerCountAsync("SELECT count(*) FROM pg_trigger WHERE tgname = 'stream_writer_guard' AND tgenabled = 'O'"));
    }

    [Fact]
    public async Task A_service_cannot_edit_or_delete_what_it_recorded()
    {
        await using (var ledger = await database.StartStoreAsync(ServiceRoles.RewardLedger))
        await using (var session = ledger.LightweightSession())
        {
            session.Events.StartStream("ledger/credits/edit-1", new ProbeRecorded("10 tokens"));
            await session.SaveChangesAsync();
        }
        var role = ServiceRoles.RewardLedger.Role;

        var edited = await database.TryAsAsync(role, "UPDATE history.mt_events SET data = '{\"note\":\"1000 tokens\"}' WHERE stream_id = 'ledger/credits/edit-1'");
        var deleted = await database.TryAsAsync(role, "DELETE FROM history.mt_events WHERE stream_id = 'ledger/credits/edit-1'");

        Assert.Equal(InsufficientPrivilege, edited?.SqlState);
        Assert.Equal(InsufficientPrivilege, deleted?.SqlState);
        Assert.Equal(1, await database.OwnerCountAsync(
            "SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/credits/edit-1' AND data->>'note' = '10 tokens'"));
    }

    [Fact]
    public async Task Read_models_are_writable_and_readable_only_by_the_service_that_owns_them()
    {
        await using (var contributions = await database.StartStoreAsync(ServiceRoles.Contributions))
        await using (var session = contributions.LightweightSession())
        {
            session.Store(new ProbeView { Id = "view-1", Note = "scored 40" });
            await session.SaveChangesAsync();
        }
        var other = ServiceRoles.QualityScoring.Role;

        string[] attempts =
        [
            "UPDATE contributions.mt_doc_probeview SET data = jsonb_set(data, '{note}', '\"scored 100\"')",
            "DELETE FROM contributions.mt_doc_probeview",
            "INSERT INTO contributions.mt_doc_probeview (id, data, mt_dotnet_type, mt_version, mt_last_modified) VALUES ('view-2', '{}', 'x', gen_random_uuid(), now())",
            "SELECT * FROM contributions.mt_doc_probeview",
            "CREATE TABLE contributions.planted (id int)",
            "ALTER SCHEMA contributions OWNER TO communityai_quality_scoring",
        ];
        foreach (var attempt in attempts)
            Assert.True(await database.TryAsAsync(other, attempt) is { SqlState: InsufficientPrivilege }, $"not refused: {attempt}");

        Assert.Equal(1, await database.OwnerCountAsync("SELECT count(*) FROM contributions.mt_doc_probeview WHERE data->>'note' = 'scored 40'"));
        Assert.Equal(0, await database.OwnerCountAsync("SELECT count(*) FROM pg_class WHERE relname = 'planted'"));
    }

    [Fact]
    public async Task The_audit_role_reads_the_history_and_the_stored_log_and_writes_nothing()
    {
        await CreateLogTableAsChainBridgeAsync();
        var audit = ServiceRoles.Audit;

        Assert.Null(await database.TryAsAsync(audit, "SELECT count(*) FROM history.mt_events"));
        Assert.Null(await database.TryAsAsync(audit, "SELECT count(*) FROM chainbridge.log_entries"));
        string[] attempts =
        [
            "INSERT INTO history.mt_streams (id, version, timestamp, created, tenant_id, is_archived) VALUES ('ledger/forged', 1, now(), now(), '*DEFAULT*', false)",
            "UPDATE history.mt_streams SET version = version + 1",
            "DELETE FROM history.mt_events",
            "INSERT INTO chainbridge.log_entries VALUES (0, 0, 'forged')",
            "DELETE FROM chainbridge.log_entries",
            "CREATE TABLE history.planted (id int)",
            "CREATE SCHEMA planted",
        ];
        foreach (var attempt in attempts)
            Assert.True(await database.TryAsAsync(audit, attempt) is { SqlState: InsufficientPrivilege }, $"not refused: {attempt}");

        var viaStore = await RefusalOf(async () =>
        {
            await using var store = DocumentStore.For(options =>
            {
                options.Connection(database.LoginOf(audit));
                HistoryStoreExtensions.ConfigureHistory(options, "history");
                options.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
            });
            await using var session = store.LightweightSession();
            session.Events.StartStream("ledger/forged-by-audit", new ProbeRecorded("credit"));
            await session.SaveChangesAsync();
        });
        Assert.Equal(InsufficientPrivilege, viaStore?.SqlState);
        Assert.Equal(0, await database.OwnerCountAsync("SELECT count(*) FROM history.mt_streams WHERE id LIKE 'ledger/forged%'"));
        Assert.Equal(1, await database.OwnerCountAsync("SELECT count(*) FROM chainbridge.log_entries"));
    }

    [Fact]
    public async Task Governance_reads_the_stored_log_but_cannot_write_it()
    {
        await CreateLogTableAsChainBridgeAsync();
        var governance = ServiceRoles.Governance.Role;

        Assert.Null(await database.TryAsAsync(governance, "SELECT log_index FROM chainbridge.log_entries WHERE seq_id = 1"));
        Assert.Equal(InsufficientPrivilege,
            (await database.TryAsAsync(governance, "UPDATE chainbridge.log_entries SET leaf_hash = 'forged'"))?.SqlState);
        Assert.Equal(1, await database.OwnerCountAsync("SELECT count(*) FROM chainbridge.log_entries WHERE leaf_hash = 'genuine'"));
    }

    [Fact]
    public async Task A_role_with_write_rights_but_no_prefix_writes_nothing()
    {
        // A role someone added by hand and granted INSERT, but forgot in history.stream_writers.
        const string role = "communityai_forgotten";
        await using (var owner = new NpgsqlConnection(database.Owner))
        {
            await owner.OpenAsync();
            await using var create = new NpgsqlCommand($"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN; END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$;
                ALTER ROLE {role} PASSWORD '{RoleDatabase.Password}';
                GRANT USAGE ON SCHEMA history TO {role};
                GRANT SELECT, INSERT ON history.mt_streams TO {role};
                """, owner);
            await create.ExecuteNonQueryAsync();
        }

        var refusal = await database.TryAsAsync(role,
            "INSERT INTO history.mt_streams (id, version, timestamp, created, tenant_id, is_archived) VALUES ('contributions/by-nobody', 1, now(), now(), '*DEFAULT*', false)");

        Assert.Equal(InsufficientPrivilege, refusal?.SqlState);
        Assert.Contains("has no stream prefix", refusal!.MessageText, StringComparison.Ordinal);
        Assert.Equal(0, await database.OwnerCountAsync("SELECT count(*) FROM history.mt_streams WHERE id = 'contributions/by-nobody'"));
    }

    [Fact]
    public async Task The_feed_under_one_role_waits_for_a_late_commit_of_another_role()
    {
        // The feed reads pg_stat_activity to know a gap may still fill; without pg_read_all_stats another role's open
        // transaction would be invisible and the feed would skip its event for good.
        await using var contributions = await database.StartStoreAsync(ServiceRoles.Contributions);
        await using var scoring = await database.StartStoreAsync(ServiceRoles.QualityScoring);
        await using var bridge = NpgsqlDataSource.Create(database.LoginOf(ServiceRoles.ChainBridge.Role));
        var feed = new HistoryFeed(bridge);
        var start = new FeedCursor(await database.OwnerCountAsync("SELECT coalesce(max(seq_id), 0) FROM history.mt_events"));

        await using var slow = new NpgsqlConnection(database.LoginOf(ServiceRoles.Contributions.Role));
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("""
            INSERT INTO history.mt_streams (id, version, timestamp, created, tenant_id, is_archived) VALUES ('contributions/late-1', 1, now(), now(), '*DEFAULT*', false);
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            VALUES (nextval('history.mt_events_sequence'), gen_random_uuid(), 'contributions/late-1', 1, '{"note":"late"}', 'probe_recorded', now(), '*DEFAULT*', 'x');
            """, slow, transaction))
            await take.ExecuteNonQueryAsync();
        await using (var session = scoring.LightweightSession())
        {
            session.Events.StartStream("scoring/early-1", new ProbeRecorded("early"));
            await session.SaveChangesAsync();
        }

        var first = await feed.ReadAsync(start, 100, CancellationToken.None);
        var whileOpen = await feed.ReadAsync(first.Next, 100, CancellationToken.None);
        await transaction.CommitAsync();
        // The open transactions are read at most once per TransactionHorizon.MinInterval for all feeds of a process, so
        // the gap may be reported open for that long after the commit; the first batch handed out must hold both.
        var afterCommit = whileOpen;
        for (var tries = 0; afterCommit.Events.Count == 0 && tries < 100; tries++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            afterCommit = await feed.ReadAsync(whileOpen.Next, 100, CancellationToken.None);
        }

        Assert.Empty(first.Events);
        Assert.Empty(whileOpen.Events);
        Assert.NotNull(whileOpen.Next.Hole);
        Assert.Equal(["contributions/late-1", "scoring/early-1"], afterCommit.Events.Select(e => e.StreamKey));
    }

    [Fact]
    public async Task A_settled_sequence_waits_for_another_roles_open_transaction_and_is_none_while_it_stays_open()
    {
        // The ledger's epoch close sums the history up to a settled sequence before it takes its gate: a number drawn
        // by a transaction still open must never be below what is reported settled.
        await using var ledger = NpgsqlDataSource.Create(database.LoginOf(ServiceRoles.RewardLedger.Role));
        var horizon = TransactionHorizon.For(ledger);
        await using var slow = new NpgsqlConnection(database.LoginOf(ServiceRoles.Contributions.Role));
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using var take = new NpgsqlCommand("""
            INSERT INTO history.mt_streams (id, version, timestamp, created, tenant_id, is_archived) VALUES ('contributions/late-2', 1, now(), now(), '*DEFAULT*', false);
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            VALUES (nextval('history.mt_events_sequence'), gen_random_uuid(), 'contributions/late-2', 1, '{"note":"late"}', 'probe_recorded', now(), '*DEFAULT*', 'x')
            RETURNING seq_id;
            """, slow, transaction);
        var drawn = (long)(await take.ExecuteScalarAsync())!;

        Assert.Null(await horizon.SettledSequenceAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
        var settling = horizon.SettledSequenceAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(settling.IsCompleted);
        await transaction.CommitAsync();

        Assert.True(await settling >= drawn);
    }

    [Fact]
    public async Task A_role_login_appended_to_the_owners_connection_string_logs_in_as_the_role()
    {
        // The AppHost builds each service's login this way from the owner's connection string: the later keys win.
        await using var connection = new NpgsqlConnection($"{database.Owner};Username={ServiceRoles.Governance.Role};Password={RoleDatabase.Password}");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user", connection);

        Assert.Equal(ServiceRoles.Governance.Role, (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_indexes_the_set_up_adds_to_the_history_survive_every_services_start_and_no_service_can_drop_them()
    {
        foreach (var role in ServiceRoles.All)
            await (await database.StartStoreAsync(role)).DisposeAsync();

        foreach (var index in HistoryIndexes.All)
        {
            Assert.Equal(1, await database.OwnerCountAsync($"""
                SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE c.relname = '{index.Name}' AND i.indisvalid AND i.indrelid = 'history.mt_events'::regclass
                """));
            foreach (var role in ServiceRoles.All)
                Assert.Equal(InsufficientPrivilege, (await database.TryAsAsync(role.Role, $"DROP INDEX history.{index.Name}"))?.SqlState);
        }
    }

    private async Task CreateLogTableAsChainBridgeAsync() =>
        Assert.Null(await database.TryAsAsync(ServiceRoles.ChainBridge.Role, """
            CREATE SCHEMA IF NOT EXISTS chainbridge;
            CREATE TABLE IF NOT EXISTS chainbridge.log_entries (log_index bigint PRIMARY KEY, seq_id bigint NOT NULL, leaf_hash text NOT NULL);
            INSERT INTO chainbridge.log_entries VALUES (0, 1, 'genuine') ON CONFLICT DO NOTHING;
            """));

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(database.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<PostgresException?> RefusalOf(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e)
        {
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
                if (inner is PostgresException postgres)
                    return postgres;
            throw;
        }
    }
}
