using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Runs after Marten created its schema and before the bus starts consuming: creates the near-duplicate index tables and
/// publishes the configured policy and genesis validators and commits the assignment rounds, so the first contribution finds them.
/// </summary>
public sealed class ScoringStartup(NpgsqlDataSource dataSource, ScoringPolicyBook policies, SeedBook seeds, AdmissionBook admissions) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas starting together would race on CREATE TABLE IF NOT EXISTS (it is not atomic in PostgreSQL).
        await ScoringLocks.TakeAsync(connection, [ScoringLocks.Schema], cancellationToken);
        await using (var command = new NpgsqlCommand(NearDuplicateIndex.CreateSql, connection))
            await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await policies.PublishConfiguredAsync(cancellationToken);
        // Likewise the genesis validators, before the admission follower appends to their stream.
        await admissions.RecordGenesisAsync(cancellationToken);
        // The first two assignment rounds are committed before the first contribution can be taken in.
        await seeds.AdvanceAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
