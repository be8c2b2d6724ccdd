using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// The log's own tables in the chain-bridge schema. Entries keep their canonical bytes (what auditors hash) and leaf
/// hashes; nodes keep every perfect subtree hash above the leaves, so any root or proof needs O(log n) rows, never all
/// leaves (logs written before 2026-12 also hold level-0 rows there, unread); log_notices
/// is how far <see cref="LogNoticePublisher"/> has told the bus. Witnesses' cosignatures live beside the log
/// (<see cref="Checkpoints.CosignatureStore"/>): they are public and checkable by anyone, not history.
/// </summary>
public static class LogSchema
{
    public const string Schema = "chainbridge";

    private const string Ddl = $"""
        CREATE SCHEMA IF NOT EXISTS {Schema};
        CREATE TABLE IF NOT EXISTS {Schema}.log_entries (
            log_index bigint PRIMARY KEY,
            seq_id    bigint NOT NULL UNIQUE,
            leaf_hash bytea  NOT NULL,
            entry     bytea  NOT NULL);
        CREATE TABLE IF NOT EXISTS {Schema}.log_nodes (
            level      int    NOT NULL,
            node_index bigint NOT NULL,
            hash       bytea  NOT NULL,
            PRIMARY KEY (level, node_index));
        CREATE TABLE IF NOT EXISTS {Schema}.log_head (
            id        int    PRIMARY KEY CHECK (id = 1),
            tree_size bigint NOT NULL,
            last_seq  bigint NOT NULL,
            root_hash bytea  NOT NULL);
        CREATE TABLE IF NOT EXISTS {Schema}.log_notices (
            id                int    PRIMARY KEY CHECK (id = 1),
            published_through bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS {Schema}.checkpoint_cosignatures (
            tree_size bigint NOT NULL,
            witness   text   NOT NULL,
            key_hash  bigint NOT NULL,
            signature bytea  NOT NULL,
            PRIMARY KEY (tree_size, witness, key_hash));
        -- The size offered to witnesses, one row for every replica (CheckpointOffer).
        CREATE TABLE IF NOT EXISTS {Schema}.checkpoint_offer (
            id         int         PRIMARY KEY CHECK (id = 1),
            tree_size  bigint      NOT NULL,
            offered_at timestamptz NOT NULL);
        -- The newest size each witness key cosigned, an upper bound for the witnessed checkpoint (CosignatureStore).
        -- Filled from the cosignatures already stored when it is created, so a bridge upgraded in place serves the same.
        DO $$ BEGIN
            IF to_regclass('{Schema}.checkpoint_witness_latest') IS NULL THEN
                CREATE TABLE {Schema}.checkpoint_witness_latest (
                    witness   text   NOT NULL,
                    key_hash  bigint NOT NULL,
                    tree_size bigint NOT NULL,
                    PRIMARY KEY (witness, key_hash));
                INSERT INTO {Schema}.checkpoint_witness_latest (witness, key_hash, tree_size)
                    SELECT witness, key_hash, max(tree_size) FROM {Schema}.checkpoint_cosignatures GROUP BY witness, key_hash;
            END IF;
        END $$;
        """;

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // Several replicas may start together; the advisory lock makes the DDL run once at a time.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await AdvisoryLock.TakeAsync(connection, ["log-schema"], ct);
        await using (var ddl = new NpgsqlCommand(Ddl, connection, transaction))
            await ddl.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Creates the tables at start, before the service takes requests or any loop runs: the log's API reads them from
    /// the first request on (a fresh database answered 500 until the writer's first term), and the writer and the notice
    /// publisher would otherwise each create them.
    /// </summary>
    public sealed class Setup(NpgsqlDataSource dataSource) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => EnsureAsync(dataSource, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
