using System.Diagnostics;
using System.Security.Cryptography;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// One training round: snapshot the scored <c>data</c> contributions as the model's builder, export their content,
/// keep only content whose SHA-256 is the content hash the history's snapshot records, train (<see cref="TextClassifier"/>)
/// and record <see cref="ModelTrained"/>. One round at a time per replica; a snapshot already trained on is not trained again.
/// </summary>
public sealed partial class TrainingRound(
    DatasetClient datasets, ModelHistory history, Champion champion, IOptions<ModelOptions> options, TimeProvider clock, ILogger<TrainingRound> logger)
{
    private readonly SemaphoreSlim _running = new(1, 1);

    public abstract record Outcome
    {
        private Outcome() { }

        public sealed record Trained(ModelTrained Event) : Outcome;

        public sealed record AlreadyTrained(ModelTrained Event) : Outcome;

        /// <summary>Nothing was recorded; <paramref name="Status"/> and <paramref name="Field"/> make the problem answer.</summary>
        public sealed record Refused(int Status, string Title, string Field, string Detail) : Outcome;
    }

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        if (!await _running.WaitAsync(0, ct))
            return new Outcome.Refused(StatusCodes.Status429TooManyRequests, "Training already running", "training", "a training round is running; retry when it ends");
        try
        {
            return await RunOnceAsync(ct);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<Outcome> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        string root;
        switch (await datasets.SnapshotAsync("data", ct))
        {
            case DatasetClient.SnapshotOutcome.Taken taken:
                root = taken.Root;
                break;
            case DatasetClient.SnapshotOutcome.NothingSelected none:
                return new Outcome.Refused(StatusCodes.Status422UnprocessableEntity, "No labelled data", "snapshot", none.Detail);
            case DatasetClient.SnapshotOutcome.Failed failed:
                return Upstream($"the dataset snapshot was refused ({(int)failed.Status}): {failed.Detail}");
            default:
                throw new InvalidOperationException("unknown snapshot outcome");
        }
        if (await history.TrainedAsync(root, ct) is { } done)
            return new Outcome.AlreadyTrained(done);

        // The history's copy of the snapshot is the truth the exported content is checked against.
        if (await history.SnapshotAsync(root, ct) is not { } snapshot || !string.Equals(snapshot.Builder, datasets.Builder, StringComparison.OrdinalIgnoreCase))
            return Upstream($"the history holds no snapshot {root} taken by {datasets.Builder}");
        var (exported, refusal) = await datasets.ExportAsync(root, ct);
        if (exported is null)
            return Upstream($"the export of {root} was refused: {refusal}");
        var signed = snapshot.Members.ToDictionary(m => m.ContributionId, m => m.ContentHash, StringComparer.OrdinalIgnoreCase);
        var examples = new List<LabelledExample>(exported.Count);
        foreach (var member in exported)
        {
            if (!signed.TryGetValue(member.ContributionId, out var contentHash))
                return Upstream($"the export of {root} holds {member.ContributionId}, which is not a member of the snapshot");
            if (member.Content is null)
                continue;
            var content = Convert.FromBase64String(member.Content);
            if (Hex.Encode(SHA256.HashData(content)) != contentHash.ToLowerInvariant())
                return Upstream($"the export's content of {member.ContributionId} does not hash to the snapshot's content hash");
            if (LabelledExample.TryRead(content, o.Labels, o.MaxTextLength) is { } example)
                examples.Add(example);
        }

        var started = Stopwatch.GetTimestamp();
        var outcome = TextClassifier.Train(examples, new TextClassifier.Settings(o.Labels, o.Seed, o.HeldOutPercent));
        if (outcome is TextClassifier.Outcome.Refused tooLittle)
            return new Outcome.Refused(StatusCodes.Status422UnprocessableEntity, "Not enough labelled data", "snapshot",
                $"snapshot {root}: {examples.Count} usable examples of {snapshot.MemberCount} members; {tooLittle.Reason}");
        var model = (TextClassifier.Outcome.Trained)outcome;
        LogTrained(logger, root, examples.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, model.AccuracyBasisPoints);

        var trained = new ModelTrained(model.ModelHash, root, datasets.Builder, TextClassifier.CodeVersion, TextClassifier.Trainer, o.Labels,
            o.Seed, o.HeldOutPercent, snapshot.MemberCount, snapshot.MemberCount - examples.Count, model.TrainCount, model.HeldOutCount,
            model.AccuracyBasisPoints, model.MacroAccuracyBasisPoints, clock.GetUtcNow());
        if (!await history.RecordAsync(trained, model.Model, ct))
            return new Outcome.AlreadyTrained((await history.TrainedAsync(root, ct))!);
        champion.Forget();
        return new Outcome.Trained(trained);
    }

    private static Outcome.Refused Upstream(string detail) =>
        new(StatusCodes.Status502BadGateway, "Training data unavailable", "snapshot", detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained on snapshot {Root}: {Examples} examples in {Milliseconds:F0} ms, held-out accuracy {Accuracy} bp")]
    private static partial void LogTrained(ILogger logger, string root, int examples, double milliseconds, int accuracy);
}
