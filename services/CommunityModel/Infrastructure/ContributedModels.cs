using System.Security.Cryptography;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Models;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// <c>model</c> contributions evaluated, not trusted: within a training round (under its period's secret salt, before
/// the reveal), each contributed ONNX file runs in the sandbox (<see cref="EvaluatorSandbox"/>) on the round's held-out
/// examples first contributed after it was submitted, and the champion is measured on the same examples in the same
/// round; it becomes champion only on a real gain (<see cref="GainRule"/>). A model that breaks the contract or a
/// limit is refused with its reason. Either way the evaluation is recorded once, as <see cref="ModelContributionEvaluated"/>.
/// </summary>
public sealed partial class ContributedModels(ModelHistory history, EvaluatorSandbox sandbox, IDocumentStore store, IOptions<ModelOptions> options,
    TimeProvider clock, ILogger<ContributedModels> logger)
{
    /// <summary>A model contribution not evaluated yet: its ONNX file (the content after the salt line) and its submission.</summary>
    public sealed record Pending(string ContributionId, ModelHistory.Submission Submission, byte[] Model, string ModelHash, string SnapshotRoot)
    {
        public static Pending Of(string contributionId, ModelHistory.Submission submission, byte[] content, string snapshotRoot)
        {
            var model = ContentSalt.TryStrip(content, out var unsalted) ? unsalted.ToArray() : content;
            return new Pending(contributionId.ToLowerInvariant(), submission, model, Hex.Encode(SHA256.HashData(model)), snapshotRoot);
        }
    }

    /// <summary>What an evaluation recorded, and the model as the next contender's champion when it became one.</summary>
    public sealed record Result(ModelContributionEvaluated Evaluated, Contender AsChampion);

    /// <summary>The champion with what comparing it needs (bytes, training set or submission), or null when there is none.</summary>
    public async Task<Contender?> ChampionAsync(CancellationToken ct)
    {
        if (await history.ChampionAsync(ct) is not { } champion)
            return null;
        await using var session = store.QuerySession();
        var bytes = await session.LoadAsync<StoredModel>(champion.ModelHash, ct)
            ?? throw new InvalidOperationException($"champion {champion.ModelHash} is recorded but its bytes are not stored");
        if (champion.Trained is { } trained)
        {
            var set = await session.LoadAsync<StoredTrainingSet>(trained.ModelHash, ct)
                ?? throw new InvalidOperationException($"champion {trained.ModelHash} is recorded but its training set is not stored");
            return new Contender(trained.ModelHash, trained, bytes.Zip, set.TextHashes.ToHashSet(StringComparer.Ordinal), null, null);
        }
        var contributed = champion.Contributed!;
        var submission = (await history.SubmissionsAsync([contributed.ContributionId], ct)).GetValueOrDefault(contributed.ContributionId)
            ?? throw new InvalidOperationException($"champion {contributed.ContributionId} is recorded but its submission is not");
        return new Contender(contributed.ModelHash, null, bytes.Zip, new HashSet<string>(), submission.At, contributed.ContributionId);
    }

    /// <summary>
    /// Evaluates one contributed model against <paramref name="champion"/>; null when it must wait for a later round (no
    /// champion yet, no held-out example it can be measured on, or the sandbox cannot start).
    /// </summary>
    public async Task<Result?> EvaluateAsync(long period, TrainingRound.Roots roots, Pending model, Contender? champion,
        IReadOnlyList<LabelledExample> heldOut, IReadOnlyDictionary<string, long> firstContributedAt, CancellationToken ct)
    {
        var o = options.Value;
        if (champion is null)
            return null;
        var asChampion = new Contender(model.ModelHash, null, model.Model, new HashSet<string>(), model.Submission.At, model.ContributionId);
        var compared = heldOut.Where(e => asChampion.Unseen(e, firstContributedAt[e.Text]) && champion.Unseen(e, firstContributedAt[e.Text])).ToList();
        if (compared.Count == 0)
            return null;
        var answer = await sandbox.RunAsync(model.Model, compared.Select(e => e.Text).ToList(), o.Labels.Length, ct);
        if (answer is EvaluatorSandbox.Result.Unavailable)
            return null;
        if (answer is EvaluatorSandbox.Result.Refused refused)
        {
            LogRefused(logger, model.ContributionId, refused.Reason);
            return new Result(Record(period, roots, model, refused.Reason, compared.Count, 0, champion.ModelHash, null, 0, 0, false), asChampion);
        }
        var predictions = ((EvaluatorSandbox.Result.Answered)answer).Predictions;
        var modelRight = compared.Select((e, i) => o.Labels[predictions[i]] == e.Label).ToList();
        var championRight = await RightAsync(champion, compared, ct);
        if (championRight is null)
            return null;
        var onlyModel = modelRight.Where((right, i) => right && !championRight[i]).Count();
        var onlyChampion = modelRight.Where((right, i) => !right && championRight[i]).Count();
        var became = GainRule.IsReal(onlyModel, onlyChampion);
        LogEvaluated(logger, model.ContributionId, BasisPoints(modelRight, compared.Count), BasisPoints(championRight, compared.Count), compared.Count, became);
        return new Result(Record(period, roots, model, null, compared.Count, BasisPoints(modelRight, compared.Count), champion.ModelHash,
            BasisPoints(championRight, compared.Count), onlyModel, onlyChampion, became), asChampion);
    }

    /// <summary>
    /// Which examples the contender gets right; a contributed champion runs in the sandbox, and one that is refused now
    /// gets none right; null when the sandbox cannot start.
    /// </summary>
    public async Task<IReadOnlyList<bool>?> RightAsync(Contender contender, IReadOnlyList<LabelledExample> examples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contender);
        ArgumentNullException.ThrowIfNull(examples);
        var texts = examples.Select(e => e.Text).ToList();
        if (examples.Count == 0)
            return [];
        if (contender.Trained is { } trained)
            return TextClassifier.PredictionsOn(contender.Bytes, trained.Seed, texts).Select((label, i) => label == examples[i].Label).ToList();
        var labels = options.Value.Labels;
        return await sandbox.RunAsync(contender.Bytes, texts, labels.Length, ct) switch
        {
            EvaluatorSandbox.Result.Answered answered => answered.Predictions.Select((p, i) => labels[p] == examples[i].Label).ToList(),
            EvaluatorSandbox.Result.Refused => examples.Select(_ => false).ToList(),
            _ => null,
        };
    }

    /// <summary>Micro accuracy in basis points, rounded as the trained model's metrics are; 0 on no examples.</summary>
    public static int BasisPoints(IReadOnlyList<bool>? right, int count)
    {
        if (right is null)
            throw new InvalidOperationException("the model evaluator's sandbox cannot start; the champion cannot be measured");
        return count == 0 ? 0 : (int)Math.Round(right.Count(r => r) * 10_000.0 / count, MidpointRounding.AwayFromZero);
    }

    private ModelContributionEvaluated Record(long period, TrainingRound.Roots roots, Pending model, string? refusal, int compared, int accuracy,
        string? championHash, int? championAccuracy, int onlyModel, int onlyChampion, bool became) =>
        new(period, model.ContributionId, model.Submission.Contributor, model.ModelHash, model.SnapshotRoot, roots.Data, roots.Feedback,
            OnnxFeatures.Contract, EvaluatorSandbox.Version, refusal, refusal is null ? compared : 0, accuracy, championHash, championAccuracy,
            refusal is null ? accuracy - (championAccuracy ?? 0) : 0, onlyModel, onlyChampion, became, clock.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Information, Message = "Model contribution {ContributionId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string contributionId, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Model contribution {ContributionId}: {Accuracy} bp against the champion's {Champion} bp on {Compared} examples; champion now: {Became}")]
    private static partial void LogEvaluated(ILogger logger, string contributionId, int accuracy, int champion, int compared, bool became);
}
