using CommunityAI.ServiceDefaults.Background;
using Npgsql;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// The one transaction-scoped advisory lock (<see cref="AdvisoryLock"/>) that makes training rounds serial across
/// replicas. Committing a period, recording a round's model and revealing a period each take it, so a period is
/// committed only while no other is open, and a model is recorded only while its own period is still secret. Then every
/// round's baseline (the round before it, <see cref="TrainingRound.Batches"/>) is the latest model the history held
/// when its period was committed, which is what an auditor replaying the log finds too.
/// </summary>
internal static class RoundLock
{
    private const string Rounds = "model:rounds";

    public static Task TakeAsync(NpgsqlConnection connection, CancellationToken ct) => AdvisoryLock.TakeAsync(connection, [Rounds], ct);
}
