using CommunityAI.CommunityModel.Domain;
using CommunityAI.ServiceDefaults.Background;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// Trains a round every <see cref="ModelOptions.TrainEvery"/> on one replica (the leader), the same round
/// <c>POST /api/model/trainings</c> runs: the community's newly scored data and feedback reach the model without anyone
/// asking. A round with nothing new records nothing; one refused (no data yet, the hourly bound, a round already
/// running) waits for the next turn.
/// </summary>
public sealed partial class ScheduledTraining(TrainingRound round, IOptions<ModelOptions> options, ILogger<ScheduledTraining> logger) : ILeaderJob
{
    public LeaderLoopSettings Settings { get; } = new("community-model:training");

    public async Task LeadAsync(LeaderTerm term, CancellationToken ct)
    {
        var every = options.Value.TrainEvery ?? throw new InvalidOperationException("scheduled training runs only when Model:TrainEvery is set");
        while (await term.WaitAsync(every, ct))
        {
            switch (await round.RunAsync(ct))
            {
                case TrainingRound.Outcome.Trained trained:
                    LogTrained(trained.Event.SnapshotRoot, trained.Event.AccuracyBasisPoints);
                    break;
                case TrainingRound.Outcome.Refused refused:
                    LogRefused(refused.Title, refused.Detail);
                    break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled round trained on snapshot {SnapshotRoot}: held-out accuracy {Accuracy} bp")]
    private partial void LogTrained(string snapshotRoot, int accuracy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled round did not train: {Title}: {Detail}")]
    private partial void LogRefused(string title, string detail);
}
