using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.ChainBridge.Log;

/// <summary>
/// The log's own tables in the chain-bridge schema. Entries keep their canonical bytes (what auditors hash) and leaf
/// hashes; nodes keep every perfect subtree hash above the leaves, so any root or proof needs O(log n) rows, never all
/// leaves (logs written before 2026-12 also hold level-0 rows there, unread); log_notices
/// is how far <see cref="LogNoticePublisher"/> has told the bus.
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
