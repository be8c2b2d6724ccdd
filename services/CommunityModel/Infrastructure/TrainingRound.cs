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
    DatasetClient datasets, ModelHistory history, EvaluationPeriods periods, Champion champion, ContributedModels contributedModels, IDocumentStore store,
    IOptions<ModelOptions> options, TimeProvider clock, ILogger<TrainingRound> logger)
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
    private sealed record Verified(DatasetSnapshotted Snapshot, IReadOnlyList<(string ContributionId, byte[]? Content)> Contents);

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
            DatasetClient.SnapshotOutcome.TooMany many => throw new RoundRefused(TooMuch("data", many.Detail)),
            DatasetClient.SnapshotOutcome.Failed failed => throw new RoundRefused(Upstream($"the data snapshot was refused ({(int)failed.Status}): {failed.Detail}")),
            _ => throw new InvalidOperationException("unknown snapshot outcome"),
        };
        // Feedback is optional: a round with none trains on the data alone.
        var feedbackRoot = await datasets.SnapshotAsync("feedback", ct) switch
        {
            DatasetClient.SnapshotOutcome.Taken taken => taken.Root,
            DatasetClient.SnapshotOutcome.NothingSelected => null,
            DatasetClient.SnapshotOutcome.TooMany many => throw new RoundRefused(TooMuch("feedback", many.Detail)),
            DatasetClient.SnapshotOutcome.Failed failed => throw new RoundRefused(Upstream($"the feedback snapshot was refused ({(int)failed.Status}): {failed.Detail}")),
            _ => throw new InvalidOperationException("unknown snapshot outcome"),
        };
        if (await history.TrainedAsync(dataRoot, feedbackRoot, ct) is { } done)
            return new Outcome.AlreadyTrained(done);
        // Contributed models wait for new data: they are measured only on examples contributed after them.
        var modelRoot = await datasets.SnapshotAsync("model", ct) switch
        {
            DatasetClient.SnapshotOutcome.Taken taken => taken.Root,
            DatasetClient.SnapshotOutcome.NothingSelected => null,
            DatasetClient.SnapshotOutcome.TooMany many => throw new RoundRefused(TooMuch("model", many.Detail)),
            DatasetClient.SnapshotOutcome.Failed failed => throw new RoundRefused(Upstream($"the model snapshot was refused ({(int)failed.Status}): {failed.Detail}")),
            _ => throw new InvalidOperationException("unknown snapshot outcome"),
        };

        var data = await ExportAsync(dataRoot, ct);
        // Each example with the contribution it came from, so the round knows when its text was first contributed.
        var sourced = data.Contents.Where(c => c.Content is not null)
            .Select(c => (c.ContributionId, Example: LabelledExample.TryRead(c.Content, o.Labels, o.MaxTextLength)))
            .Where(c => c.Example is not null).Select(c => (c.ContributionId, Example: c.Example!)).ToList();
        var members = data.Snapshot.MemberCount;
        var dataExamples = sourced.Count;
        var fromFeedback = 0;
        if (feedbackRoot is not null)
        {
            var feedback = await ExportAsync(feedbackRoot, ct);
            members += feedback.Snapshot.MemberCount;
            var said = feedback.Contents.Where(c => c.Content is not null)
                .Select(c => (c.ContributionId, Feedback: Feedback.TryRead(c.Content, o.Labels))).Where(c => c.Feedback is not null).ToList();
            await using var session = store.QuerySession();
            var predictions = (await session.LoadManyAsync<StoredPrediction>(ct, said.Select(f => f.Feedback!.PredictionId).Distinct()))
                .ToDictionary(p => p.Id);
            foreach (var (contributionId, f) in said)
                if (predictions.TryGetValue(f!.PredictionId, out var prediction))
                {
                    sourced.Add((contributionId, f.ExampleOf(prediction.Text, prediction.Label)));
                    fromFeedback++;
                }
        }
        var examples = sourced.Select(s => s.Example).ToList();
        var submissions = await history.SubmissionsAsync(sourced.Select(s => s.ContributionId), ct);
        // A feedback or data contribution the history does not hold cannot be here (its snapshot names it); were it, it counts as the oldest.
        var firstContributedAt = sourced.GroupBy(s => s.Example.Text, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(s => submissions.TryGetValue(s.ContributionId, out var at) ? at.At : 0), StringComparer.Ordinal);
        var pending = modelRoot is null ? [] : await PendingModelsAsync(modelRoot, ct);

        // The period's salt is committed in the history before anything trains or evaluates with it, and revealed when the round ends.
        if (await periods.CommitAsync(o.HeldOutPercent, ct) is not { } period)
            return new Outcome.Refused(StatusCodes.Status409Conflict, "Training already running", "training",
                "another replica's training round is running (its evaluation period is open); retry when it ends");
        try
        {
            // Read once the period is committed: no other round records a model until this one's period is revealed.
            var batches = await BatchesAsync(sourced, dataExamples, submissions, ct);
            return await TrainAsync(period, new Roots(dataRoot, feedbackRoot, modelRoot), batches, members, fromFeedback, firstContributedAt, pending, ct);
        }
        finally
        {
            await periods.RevealAsync(period.Period, CancellationToken.None);
        }
    }

    /// <summary>The round's snapshots: data, and feedback and model contributions when there were any.</summary>
    public sealed record Roots(string Data, string? Feedback, string? Models);

    /// <summary>
    /// The round's examples, each marked new when its contribution was not a member of the baseline's snapshot of its kind;
    /// the baseline is the round before (the latest <see cref="ModelTrained"/>), or none for the first round.
    /// </summary>
    public sealed record Batches(ModelTrained? Baseline, IReadOnlyList<Batches.Marked> Examples)
    {
        /// <param name="From">Its contribution's submission, by which a batch's shares name who brought it (<see cref="DataValue"/>).</param>
        public sealed record Marked(LabelledExample Example, bool NewData, bool NewFeedback, DataValue.Source? From);
    }

    /// <param name="sourced">The data examples first (<paramref name="dataExamples"/> of them), then those made from feedback.</param>
    private async Task<Batches> BatchesAsync(List<(string ContributionId, LabelledExample Example)> sourced, int dataExamples,
        IReadOnlyDictionary<string, ModelHistory.Submission> submissions, CancellationToken ct)
    {
        var baseline = await history.LatestAsync(ct);
        var oldData = await MembersAsync(baseline?.SnapshotRoot, ct);
        var oldFeedback = await MembersAsync(baseline?.FeedbackSnapshotRoot, ct);
        return new Batches(baseline, sourced.Select((s, i) => new Batches.Marked(s.Example,
            NewData: i < dataExamples && !oldData.Contains(s.ContributionId),
            NewFeedback: i >= dataExamples && !oldFeedback.Contains(s.ContributionId),
            From: submissions.TryGetValue(s.ContributionId, out var submitted)
                ? new DataValue.Source(s.ContributionId, submitted.At, submitted.Contributor) : null)).ToList());
    }

    private async Task<IReadOnlySet<string>> MembersAsync(string? root, CancellationToken ct) =>
        root is not null && await history.SnapshotAsync(root, ct) is { } snapshot
            ? snapshot.Members.Select(m => m.ContributionId).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : new HashSet<string>();

    private async Task<Outcome> TrainAsync(EvaluationPeriods.Open period, Roots roots, Batches batches, int members, int fromFeedback,
        IReadOnlyDictionary<string, long> firstContributedAt, IReadOnlyList<ContributedModels.Pending> pending, CancellationToken ct)
    {
        var (dataRoot, feedbackRoot) = (roots.Data, roots.Feedback);
        var o = options.Value;
        var started = Stopwatch.GetTimestamp();
        var examples = batches.Examples.Select(e => e.Example).ToList();
        var settings = new TextClassifier.Settings(o.Labels, o.Seed, o.HeldOutPercent, period.Salt);
        var outcome = TextClassifier.Train(examples, settings);
        if (outcome is TextClassifier.Outcome.Refused tooLittle)
            return new Outcome.Refused(StatusCodes.Status422UnprocessableEntity, "Not enough labelled data", "snapshot",
                $"snapshot {dataRoot}: {examples.Count} usable examples of {members} members; {tooLittle.Reason}");
        var model = (TextClassifier.Outcome.Trained)outcome;
        LogTrained(logger, dataRoot, examples.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, model.AccuracyBasisPoints);

        var trained = new ModelTrained(model.ModelHash, dataRoot, feedbackRoot, datasets.Builder, TextClassifier.CodeVersion, TextClassifier.Trainer,
            o.Labels, o.Seed, o.HeldOutPercent, members, fromFeedback, members - examples.Count, model.TrainCount, model.HeldOutCount,
            model.AccuracyBasisPoints, model.MacroAccuracyBasisPoints, clock.GetUtcNow());
        // Contributed models first, each against the champion going in (or the one before it just replaced), then the model trained here.
        var current = await contributedModels.ChampionAsync(ct);
        var contributed = new List<(ModelContributionEvaluated Evaluated, byte[] Model)>();
        foreach (var candidate in pending)
        {
            if (await contributedModels.EvaluateAsync(period.Period, roots, candidate, current, model.HeldOut, firstContributedAt, ct) is not { } result)
                continue;
            contributed.Add((result.Evaluated, candidate.Model));
            if (result.Evaluated.BecameChampion)
                current = result.AsChampion;
        }
        var evaluated = await EvaluateAsync(period.Period, trained, model, current, firstContributedAt, ct);
        var baseline = batches.Baseline;
        var valued = new DataValued(period.Period, trained.ModelHash, dataRoot, feedbackRoot, baseline?.ModelHash, baseline?.SnapshotRoot, baseline?.FeedbackSnapshotRoot,
            DataValue.Measure(batches.Examples.Select(e => new DataValue.Example(e.Example, e.NewData, e.From)).ToList(), model.Model, settings),
            DataValue.Measure(batches.Examples.Select(e => new DataValue.Example(e.Example, e.NewFeedback, e.From)).ToList(), model.Model, settings));
        switch (await history.RecordAsync(period.Period, trained, evaluated, valued, model.Model, model.TrainTextHashes, contributed, ct))
        {
            case ModelHistory.Recorded.AlreadyTrained:
                return new Outcome.AlreadyTrained((await history.TrainedAsync(dataRoot, feedbackRoot, ct))!);
            case ModelHistory.Recorded.PeriodClosed:
                return new Outcome.Refused(StatusCodes.Status409Conflict, "Training round outlived its period", "training",
                    $"the round ran longer than Model:StoppedRoundAfter ({o.StoppedRoundAfter}), so another round revealed its evaluation split; nothing was recorded; train again");
        }
        champion.Forget();
        return new Outcome.Trained(trained);
    }

    /// <summary>
    /// The challenger against the champion on the held-out examples neither can have seen (<see cref="ChampionRule"/>,
    /// <see cref="Contender.Unseen"/>); a contributed champion is run in the sandbox.
    /// </summary>
    private async Task<ModelEvaluated> EvaluateAsync(long period, ModelTrained trained, TextClassifier.Outcome.Trained model, Contender? current,
        IReadOnlyDictionary<string, long> firstContributedAt, CancellationToken ct)
    {
        var compared = current is null ? [] : model.HeldOut.Where(e => current.Unseen(e, firstContributedAt[e.Text])).ToList();
        var challengerBasisPoints = TextClassifier.AccuracyOn(model.Model, trained.Seed, compared);
        int? championBasisPoints = current is null ? null
            : current.Trained is { } championTrained ? TextClassifier.AccuracyOn(current.Bytes, championTrained.Seed, compared)
            : ContributedModels.BasisPoints(await contributedModels.RightAsync(current, compared, ct), compared.Count);
        return new ModelEvaluated(period, trained.ModelHash, trained.SnapshotRoot, trained.FeedbackSnapshotRoot, trained.HeldOutCount,
            trained.AccuracyBasisPoints, trained.MacroAccuracyBasisPoints, current?.ModelHash, compared.Count, challengerBasisPoints, championBasisPoints,
            ChampionRule.BecomesChampion(current is not null, compared.Count, challengerBasisPoints, championBasisPoints));
    }

    /// <summary>
    /// The model contributions of the snapshot not evaluated yet, with their content checked, in history order, at most
    /// <see cref="ModelOptions.MaxModelsPerRound"/>.
    /// </summary>
    private async Task<IReadOnlyList<ContributedModels.Pending>> PendingModelsAsync(string modelRoot, CancellationToken ct)
    {
        var models = await ExportAsync(modelRoot, ct);
        var done = await history.ContributionsEvaluatedAsync(models.Contents.Select(c => c.ContributionId), ct);
        var submissions = await history.SubmissionsAsync(models.Contents.Select(c => c.ContributionId), ct);
        return models.Contents
            .Where(c => c.Content is not null && !done.Contains(c.ContributionId) && submissions.ContainsKey(c.ContributionId))
            .Select(c => ContributedModels.Pending.Of(c.ContributionId, submissions[c.ContributionId], c.Content!, modelRoot))
            .OrderBy(p => p.Submission.At).Take(options.Value.MaxModelsPerRound).ToList();
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
        var contents = new List<(string, byte[]?)>(exported.Count);
        foreach (var member in exported)
        {
            if (!signed.TryGetValue(member.ContributionId, out var contentHash))
                throw new RoundRefused(Upstream($"the export of {root} holds {member.ContributionId}, which is not a member of the snapshot"));
            var content = member.Content is null ? null : Convert.FromBase64String(member.Content);
            if (content is not null && Hex.Encode(SHA256.HashData(content)) != contentHash.ToLowerInvariant())
                throw new RoundRefused(Upstream($"the export's content of {member.ContributionId} does not hash to the snapshot's content hash"));
            contents.Add((member.ContributionId, content));
        }
        return new Verified(snapshot, contents);
    }

    /// <summary>The community outgrew one snapshot: said as such, not as missing data, so an operator knows the setting to raise.</summary>
    private static Outcome.Refused TooMuch(string kind, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "Too much data for one snapshot", "snapshot",
            $"the {kind} snapshot was refused: {detail} (the contributions service's Datasets:MaxMembers)");

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
