using System.Diagnostics;
using System.Security.Cryptography;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// One training round: snapshot the scored <c>data</c> and <c>feedback</c> contributions as the model's builder, export
/// their content, keep only content whose SHA-256 is the content hash the history's snapshot records, turn feedback on
/// served predictions into labelled examples, train (<see cref="TextClassifier"/>) and record <see cref="ModelTrained"/>.
/// One round at a time per replica; a pair of snapshots already trained on is not trained again.
/// </summary>
public sealed partial class TrainingRound(
    DatasetClient datasets, ModelHistory history, EvaluationPeriods periods, Champion champion, IDocumentStore store, IOptions<ModelOptions> options, TimeProvider clock,
    ILogger<TrainingRound> logger)
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

    /// <summary>A snapshot's members with verified content (null when erased), or why the export cannot be trusted.</summary>
    private sealed record Verified(DatasetSnapshotted Snapshot, IReadOnlyList<byte[]?> Contents);

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        if (!await _running.WaitAsync(0, ct))
            return new Outcome.Refused(StatusCodes.Status429TooManyRequests, "Training already running", "training", "a training round is running; retry when it ends");
        try
        {
            return await RunOnceAsync(ct);
        }
        catch (RoundRefused refused)
        {
            return refused.Refusal;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<Outcome> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        // A round a restart stopped after its commitment still owes its reveal.
        await periods.RevealPendingAsync(o.StoppedRoundAfter, ct);
        // Bounded before anything is asked or recorded: a round costs seconds of CPU and a period of the history.
        if (await periods.CommittedSinceAsync(clock.GetUtcNow().AddHours(-1), ct) >= o.MaxRoundsPerHour)
            return new Outcome.Refused(StatusCodes.Status429TooManyRequests, "Training limit reached", "training",
                $"at most {o.MaxRoundsPerHour} training rounds per hour (Model:MaxRoundsPerHour); retry later");
        var dataRoot = await datasets.SnapshotAsync("data", ct) switch
        {
            DatasetClient.SnapshotOutcome.Taken taken => taken.Root,
            DatasetClient.SnapshotOutcome.NothingSelected none => throw new RoundRefused(
                new(StatusCodes.Status422UnprocessableEntity, "No labelled data", "snapshot", none.Detail)),
            DatasetClient.SnapshotOutcome.Failed failed => throw new RoundRefused(Upstream($"the data snapshot was refused ({(int)failed.Status}): {failed.Detail}")),
            _ => throw new InvalidOperationException("unknown snapshot outcome"),
        };
        // Feedback is optional: a round with none trains on the data alone.
        var feedbackRoot = await datasets.SnapshotAsync("feedback", ct) switch
        {
            DatasetClient.SnapshotOutcome.Taken taken => taken.Root,
            DatasetClient.SnapshotOutcome.NothingSelected => null,
            DatasetClient.SnapshotOutcome.Failed failed => throw new RoundRefused(Upstream($"the feedback snapshot was refused ({(int)failed.Status}): {failed.Detail}")),
            _ => throw new InvalidOperationException("unknown snapshot outcome"),
        };
        if (await history.TrainedAsync(dataRoot, feedbackRoot, ct) is { } done)
            return new Outcome.AlreadyTrained(done);

        var data = await ExportAsync(dataRoot, ct);
        var examples = data.Contents.OfType<byte[]>()
            .Select(content => LabelledExample.TryRead(content, o.Labels, o.MaxTextLength)).OfType<LabelledExample>().ToList();
        var members = data.Snapshot.MemberCount;
        var fromFeedback = 0;
        if (feedbackRoot is not null)
        {
            var feedback = await ExportAsync(feedbackRoot, ct);
            members += feedback.Snapshot.MemberCount;
            var said = feedback.Contents.OfType<byte[]>().Select(content => Feedback.TryRead(content, o.Labels)).OfType<Feedback>().ToList();
            await using var session = store.QuerySession();
            var predictions = (await session.LoadManyAsync<StoredPrediction>(ct, said.Select(f => f.PredictionId).Distinct()))
                .ToDictionary(p => p.Id);
            foreach (var f in said)
                if (predictions.TryGetValue(f.PredictionId, out var prediction))
                {
                    examples.Add(f.ExampleOf(prediction.Text, prediction.Label));
                    fromFeedback++;
                }
        }

        // The period's salt is committed in the history before anything trains or evaluates with it, and revealed when the round ends.
        if (await periods.CommitAsync(o.HeldOutPercent, ct) is not { } period)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Training already running", "training",
                "another replica committed this evaluation period first; retry when its round ends");
        try
        {
            return await TrainAsync(period, dataRoot, feedbackRoot, examples, members, fromFeedback, ct);
        }
        finally
        {
            await periods.RevealAsync(period.Period, CancellationToken.None);
        }
    }

    private async Task<Outcome> TrainAsync(EvaluationPeriods.Open period, string dataRoot, string? feedbackRoot, List<LabelledExample> examples,
        int members, int fromFeedback, CancellationToken ct)
    {
        var o = options.Value;
        var started = Stopwatch.GetTimestamp();
        var outcome = TextClassifier.Train(examples, new TextClassifier.Settings(o.Labels, o.Seed, o.HeldOutPercent, period.Salt));
        if (outcome is TextClassifier.Outcome.Refused tooLittle)
            return new Outcome.Refused(StatusCodes.Status422UnprocessableEntity, "Not enough labelled data", "snapshot",
                $"snapshot {dataRoot}: {examples.Count} usable examples of {members} members; {tooLittle.Reason}");
        var model = (TextClassifier.Outcome.Trained)outcome;
        LogTrained(logger, dataRoot, examples.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, model.AccuracyBasisPoints);

        var trained = new ModelTrained(model.ModelHash, dataRoot, feedbackRoot, datasets.Builder, TextClassifier.CodeVersion, TextClassifier.Trainer,
            o.Labels, o.Seed, o.HeldOutPercent, members, fromFeedback, members - examples.Count, model.TrainCount, model.HeldOutCount,
            model.AccuracyBasisPoints, model.MacroAccuracyBasisPoints, clock.GetUtcNow());
        var evaluated = await EvaluateAsync(period.Period, trained, model, ct);
        if (!await history.RecordAsync(trained, evaluated, model.Model, model.TrainTextHashes, ct))
            return new Outcome.AlreadyTrained((await history.TrainedAsync(dataRoot, feedbackRoot, ct))!);
        champion.Forget();
        return new Outcome.Trained(trained);
    }

    /// <summary>The challenger against the champion on the held-out examples neither was trained on (<see cref="ChampionRule"/>).</summary>
    private async Task<ModelEvaluated> EvaluateAsync(long period, ModelTrained trained, TextClassifier.Outcome.Trained model, CancellationToken ct)
    {
        var current = await history.ChampionAsync(ct);
        StoredModel? championModel = null;
        StoredTrainingSet? championSet = null;
        if (current is not null)
        {
            await using var session = store.QuerySession();
            championModel = await session.LoadAsync<StoredModel>(current.ModelHash, ct);
            championSet = await session.LoadAsync<StoredTrainingSet>(current.ModelHash, ct);
            if (championModel is null || championSet is null)
                throw new InvalidOperationException($"champion {current.ModelHash} is recorded but its bytes or training set are not stored");
        }
        var compared = championSet is null ? [] : ChampionRule.ComparisonSet(model.HeldOut, championSet.TextHashes.ToHashSet(StringComparer.Ordinal));
        var challengerBasisPoints = TextClassifier.AccuracyOn(model.Model, trained.Seed, compared);
        int? championBasisPoints = current is null ? null : TextClassifier.AccuracyOn(championModel!.Zip, current.Seed, compared);
        return new ModelEvaluated(period, trained.ModelHash, trained.SnapshotRoot, trained.FeedbackSnapshotRoot, trained.HeldOutCount,
            trained.AccuracyBasisPoints, trained.MacroAccuracyBasisPoints, current?.ModelHash, compared.Count, challengerBasisPoints, championBasisPoints,
            ChampionRule.BecomesChampion(current is not null, compared.Count, challengerBasisPoints, championBasisPoints));
    }

    /// <summary>The snapshot's content from the export, each member's checked against the content hash the history records.</summary>
    private async Task<Verified> ExportAsync(string root, CancellationToken ct)
    {
        // The history's copy of the snapshot is the truth the exported content is checked against.
        if (await history.SnapshotAsync(root, ct) is not { } snapshot || !string.Equals(snapshot.Builder, datasets.Builder, StringComparison.OrdinalIgnoreCase))
            throw new RoundRefused(Upstream($"the history holds no snapshot {root} taken by {datasets.Builder}"));
        var (exported, refusal) = await datasets.ExportAsync(root, ct);
        if (exported is null)
            throw new RoundRefused(Upstream($"the export of {root} was refused: {refusal}"));
        var signed = snapshot.Members.ToDictionary(m => m.ContributionId, m => m.ContentHash, StringComparer.OrdinalIgnoreCase);
        var contents = new List<byte[]?>(exported.Count);
        foreach (var member in exported)
        {
            if (!signed.TryGetValue(member.ContributionId, out var contentHash))
                throw new RoundRefused(Upstream($"the export of {root} holds {member.ContributionId}, which is not a member of the snapshot"));
            var content = member.Content is null ? null : Convert.FromBase64String(member.Content);
            if (content is not null && Hex.Encode(SHA256.HashData(content)) != contentHash.ToLowerInvariant())
                throw new RoundRefused(Upstream($"the export's content of {member.ContributionId} does not hash to the snapshot's content hash"));
            contents.Add(content);
        }
        return new Verified(snapshot, contents);
    }

    private static Outcome.Refused Upstream(string detail) =>
        new(StatusCodes.Status502BadGateway, "Training data unavailable", "snapshot", detail);

    /// <summary>Ends a round early with its refusal; caught at the round's edge and answered, never escaping.</summary>
    private sealed class RoundRefused(Outcome.Refused refusal) : Exception(refusal.Detail)
    {
        public Outcome.Refused Refusal { get; } = refusal;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained on snapshot {Root}: {Examples} examples in {Milliseconds:F0} ms, held-out accuracy {Accuracy} bp")]
    private static partial void LogTrained(ILogger logger, string root, int examples, double milliseconds, int accuracy);
}
