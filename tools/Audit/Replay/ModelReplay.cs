using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Formats;
using CommunityAI.Formats.Models;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Replay;

/// <summary>
/// Checks the community model's recorded trainings and evaluations. From the history alone: every evaluation period's
/// salt was committed (<c>EvaluationSplitCommitted</c>) before the training that used it and its reveal opens the
/// commitment (SHA-256(salt) = commitment); every <c>ModelTrained</c> after the first commitment has its
/// <c>ModelEvaluated</c>, which repeats its metrics; and every champion change follows the rule on the recorded numbers
/// (no champion yet, or a strictly higher accuracy than the champion's on a non-empty comparison set), naming the
/// champion it replaced. With the snapshots' content (<see cref="ModelContent"/>), it re-runs every training with the
/// revealed salt and the recorded seed, labels and share (<see cref="ModelRetrainer"/>) and must get the recorded
/// counts, metrics and model hash exactly, then re-measures challenger and champion on their comparison set, and re-runs
/// the round's contributed models with ONNX Runtime (<see cref="OnnxRerun"/>). Fed in log order.
/// </summary>
internal sealed class ModelReplay(ModelContent? content)
{
    private const string ModelStreams = "model/";
    private const string PeriodStreams = "model/evaluation/";
    private const string SnapshotStreams = "contributions/datasets/";
    private const string ContributionStreams = "model/contributions/";
    private const string SubmissionStreams = "contributions/";

    /// <summary>The service's default <c>Model:MaxTextLength</c>: a longer text is skipped (not recorded per round).</summary>
    private const int MaxTextLength = 2000;

    private sealed record Commit(long Index, string Commitment, int HeldOutPercent);

    private sealed record Round(long Index, string Stream, JsonElement Trained, JsonElement Evaluated, long Period);

    /// <summary>A round's model and snapshots, as the next round's <c>DataValued</c> must name them for its baseline.</summary>
    private sealed record Baseline(string? ModelHash, string? SnapshotRoot, string? FeedbackSnapshotRoot);

    private readonly Dictionary<string, List<(string Id, string ContentHash)>> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, Commit> _commits = [];
    private readonly Dictionary<long, (long Index, byte[] Salt)> _reveals = [];
    private readonly Dictionary<string, (long Index, JsonElement Data)> _pendingTrained = new(StringComparer.Ordinal);
    private readonly List<Round> _rounds = [];
    private readonly List<ReplayDifference> _findings = [];
    private readonly Dictionary<string, Baseline> _baselineOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Index, JsonElement Data)> _valued = new(StringComparer.Ordinal);
    private Baseline _lastTrained = new(null, null, null);
    private readonly Dictionary<string, (long At, string Contributor)> _submitted = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(long Index, long Period, JsonElement Data)> _contributions = [];
    private readonly Dictionary<string, string> _contributedChampions = new(StringComparer.OrdinalIgnoreCase);
    private int _contributedRerun;
    private int _valuedRerun;
    private string? _champion;
    private int _trained;
    private int _legacy;
    private int _contributed;
    private int _refused;

    public bool Any => _trained > 0 || _commits.Count > 0;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "datasetsnapshotted" when e.Stream.StartsWith(SnapshotStreams, StringComparison.Ordinal):
                if (Text(e.Data, "root") is { } root && Member(e.Data, "members") is { ValueKind: JsonValueKind.Array } members)
                    _snapshots.TryAdd(root, members.EnumerateArray()
                        .Select(m => (Text(m, "contributionId") ?? "", (Text(m, "contentHash") ?? "").ToLowerInvariant())).ToList());
                break;
            case "contributionsubmitted" when e.Stream.StartsWith(SubmissionStreams, StringComparison.Ordinal):
                // Where each contribution entered the history, and whose it is: a contributed model is measured only on texts
                // first contributed after it, and a batch's shares name who first brought each text.
                if (Text(e.Data, "contributionId") is { } submitted)
                    _submitted.TryAdd(submitted, (e.Index, Text(e.Data, "contributor") ?? ""));
                break;
            case "evaluationsplitcommitted" when e.Stream.StartsWith(PeriodStreams, StringComparison.Ordinal):
                if (Long(e.Data, "period") is not { } period || Text(e.Data, "commitment") is not { } commitment)
                    _findings.Add(new(e.Index, "malformed split commitment", e.Describe()));
                else if (!_commits.TryAdd(period, new Commit(e.Index, commitment, Int(e.Data, "heldOutPercent") ?? 0)))
                    _findings.Add(new(e.Index, "split committed twice", $"period {period} already has a commitment"));
                break;
            case "evaluationsplitrevealed" when e.Stream.StartsWith(PeriodStreams, StringComparison.Ordinal):
                Reveal(e);
                break;
            case "modeltrained" when e.Stream.StartsWith(ModelStreams, StringComparison.Ordinal):
                _trained++;
                _baselineOf[e.Stream] = _lastTrained;
                _lastTrained = new Baseline(Text(e.Data, "modelHash"), Text(e.Data, "snapshotRoot"), Text(e.Data, "feedbackSnapshotRoot"));
                if (_commits.Count == 0)
                    _legacy++; // trained on the public split, before private periods existed: nothing to open
                else
                    _pendingTrained[e.Stream] = (e.Index, e.Data.Clone());
                break;
            case "modelevaluated" when e.Stream.StartsWith(ModelStreams, StringComparison.Ordinal):
                Evaluated(e);
                break;
            case "datavalued" when e.Stream.StartsWith(ModelStreams, StringComparison.Ordinal):
                Valued(e);
                break;
            case "modelcontributionevaluated" when e.Stream.StartsWith(ContributionStreams, StringComparison.Ordinal):
                ContributionEvaluated(e);
                break;
        }
    }

    public ModelReplayResult Finish()
    {
        foreach (var (stream, trained) in _pendingTrained)
            _findings.Add(new(trained.Index, "model trained without a private evaluation",
                $"{stream}: ModelTrained {Text(trained.Data, "modelHash")} has no ModelEvaluated on a committed split"));
        // A committed period not yet revealed is a round running now (or one a restart stopped, which the next round reveals): not a finding.
        var (rerun, notRerun) = content is null ? (0, _rounds.Count) : Rerun(content);
        return new ModelReplayResult(_trained, _legacy, _commits.Count, _reveals.Count, _rounds.Count, rerun, notRerun, _champion, _findings,
            _contributed, _refused, _valued.Count, _valuedRerun, _contributedRerun);
    }

    private void Reveal(LogEvent e)
    {
        if (Long(e.Data, "period") is not { } period || Text(e.Data, "salt") is not { } saltHex || !Hex.TryDecode(saltHex, out var salt, 32))
        {
            _findings.Add(new(e.Index, "malformed split reveal", e.Describe()));
            return;
        }
        if (!_commits.TryGetValue(period, out var commit))
        {
            _findings.Add(new(e.Index, "salt revealed without a commitment", $"period {period} was never committed"));
            return;
        }
        if (!string.Equals(ModelRetrainer.Sha256Hex(salt), commit.Commitment, StringComparison.OrdinalIgnoreCase))
        {
            _findings.Add(new(e.Index, "revealed salt does not match its commitment",
                $"period {period}: SHA-256 of the revealed salt is {ModelRetrainer.Sha256Hex(salt)}, the commitment at log index {commit.Index} is {commit.Commitment}"));
            return;
        }
        if (!_reveals.TryAdd(period, (e.Index, salt)))
            _findings.Add(new(e.Index, "salt revealed twice", $"period {period}"));
    }

    private void Evaluated(LogEvent e)
    {
        if (!_pendingTrained.Remove(e.Stream, out var trained))
        {
            _findings.Add(new(e.Index, "evaluation without a training", $"{e.Stream}: ModelEvaluated follows no ModelTrained of its stream"));
            return;
        }
        var data = e.Data.Clone();
        var hash = Text(data, "modelHash");
        if (Long(data, "period") is not { } period || !_commits.TryGetValue(period, out var commit) || commit.Index > trained.Index)
        {
            _findings.Add(new(e.Index, "trained on an uncommitted split",
                $"model {hash}: period {Long(data, "period")} has no commitment recorded before the training"));
            return;
        }
        if (_reveals.TryGetValue(period, out var revealed) && revealed.Index < trained.Index)
            _findings.Add(new(e.Index, "split revealed before it was used", $"model {hash}: period {period}'s salt was public at log index {revealed.Index}"));
        foreach (var (field, of) in new[] { ("modelHash", "modelHash"), ("snapshotRoot", "snapshotRoot"), ("heldOutCount", "heldOutCount"),
                     ("accuracyBasisPoints", "accuracyBasisPoints"), ("macroAccuracyBasisPoints", "macroAccuracyBasisPoints") })
            if (Member(data, field)?.ToString() != Member(trained.Data, of)?.ToString())
                _findings.Add(new(e.Index, "evaluation differs from its training", $"model {hash}: {field} is {Member(data, field)}, ModelTrained says {Member(trained.Data, of)}"));
        if (Int(trained.Data, "heldOutPercent") != commit.HeldOutPercent)
            _findings.Add(new(e.Index, "held-out share differs from the commitment", $"model {hash}: period {period} committed {commit.HeldOutPercent}%"));

        // Every champion change a measured gain, on the recorded numbers.
        var named = Text(data, "championModelHash");
        if (!string.Equals(named, _champion, StringComparison.OrdinalIgnoreCase))
            _findings.Add(new(e.Index, "wrong champion named", $"model {hash} was compared with {named ?? "none"}, but the champion was {_champion ?? "none"}"));
        var compared = Int(data, "comparedCount") ?? 0;
        var challenger = Int(data, "challengerComparedBasisPoints") ?? 0;
        var champion = Int(data, "championComparedBasisPoints");
        var due = _champion is null || (compared > 0 && champion is { } c && challenger > c);
        var became = Member(data, "becameChampion") is { ValueKind: JsonValueKind.True };
        if (became != due)
            _findings.Add(new(e.Index, became ? "champion change without a measured gain" : "measured gain not made champion",
                $"model {hash}: {challenger} bp against the champion's {champion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} bp on {compared} examples"));
        if (became)
            _champion = hash;
        _rounds.Add(new Round(trained.Index, e.Stream, trained.Data, data, period));
    }

    /// <summary>
    /// A round's <c>DataValued</c>, on the recorded numbers: it follows its stream's training, names as its baseline the
    /// training recorded just before (so no round picks a flattering one), and each gain is with minus without. The
    /// re-run (<see cref="Rerun"/>) checks the measures themselves.
    /// </summary>
    private void Valued(LogEvent e)
    {
        var data = e.Data.Clone();
        if (!_baselineOf.TryGetValue(e.Stream, out var expected) || !_valued.TryAdd(e.Stream, (e.Index, data)))
        {
            _findings.Add(new(e.Index, "data value without its training", $"{e.Stream}: DataValued follows no ModelTrained of its stream, or a second one"));
            return;
        }
        var named = new Baseline(Text(data, "baselineModelHash"), Text(data, "baselineSnapshotRoot"), Text(data, "baselineFeedbackSnapshotRoot"));
        if (!string.Equals(named.ModelHash, expected.ModelHash, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(named.SnapshotRoot, expected.SnapshotRoot, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(named.FeedbackSnapshotRoot, expected.FeedbackSnapshotRoot, StringComparison.OrdinalIgnoreCase))
            _findings.Add(new(e.Index, "data valued against another baseline than the round before",
                $"{e.Stream}: names {named.ModelHash ?? "none"} (snapshot {named.SnapshotRoot ?? "none"}), the training before it was {expected.ModelHash ?? "none"} (snapshot {expected.SnapshotRoot ?? "none"})"));
        foreach (var part in new[] { "data", "feedback" })
            if (Member(data, part) is { } value && Int(value, "withBasisPoints") is { } with && Int(value, "withoutBasisPoints") is { } without
                && Int(value, "gainBasisPoints") != with - without)
                _findings.Add(new(e.Index, "data value's gain is not with minus without", $"{e.Stream}: {part} gain {Int(value, "gainBasisPoints")} bp, {with} − {without} bp measured"));
    }

    /// <summary>
    /// A contributed model's evaluation, on the recorded numbers: its period was committed and still secret, it names the
    /// champion of its day, its gain is its accuracy minus the champion's, and it became champion exactly when the gain is
    /// real (McNemar's exact one-sided test below 5% on the examples only one of the two got right; our own copy of the
    /// rule). A refused model never becomes champion. The ONNX runs are re-run with the round (<see cref="RerunContributed"/>).
    /// </summary>
    private void ContributionEvaluated(LogEvent e)
    {
        var data = e.Data;
        var hash = Text(data, "modelHash");
        _contributed++;
        if (Long(data, "period") is not { } period || !_commits.TryGetValue(period, out var commit) || commit.Index > e.Index)
        {
            _findings.Add(new(e.Index, "evaluated on an uncommitted split", $"contributed model {hash}: period {Long(data, "period")} has no commitment before it"));
            return;
        }
        if (_reveals.TryGetValue(period, out var revealed) && revealed.Index < e.Index)
            _findings.Add(new(e.Index, "split revealed before it was used", $"contributed model {hash}: period {period}'s salt was public at log index {revealed.Index}"));
        var became = Member(data, "becameChampion") is { ValueKind: JsonValueKind.True };
        if (Text(data, "refusal") is not null)
        {
            _refused++;
            if (became)
                _findings.Add(new(e.Index, "refused model made champion", $"contributed model {hash}"));
            return;
        }
        var named = Text(data, "championModelHash");
        if (!string.Equals(named, _champion, StringComparison.OrdinalIgnoreCase))
            _findings.Add(new(e.Index, "wrong champion named", $"contributed model {hash} was compared with {named ?? "none"}, but the champion was {_champion ?? "none"}"));
        var (accuracy, champion, gain) = (Int(data, "accuracyBasisPoints") ?? 0, Int(data, "championAccuracyBasisPoints"), Int(data, "gainBasisPoints"));
        if (gain != accuracy - (champion ?? 0))
            _findings.Add(new(e.Index, "gain is not the accuracy difference", $"contributed model {hash}: {gain} bp recorded, {accuracy} − {champion} bp measured"));
        var (onlyModel, onlyChampion) = (Int(data, "onlyModelRight") ?? 0, Int(data, "onlyChampionRight") ?? 0);
        var due = _champion is not null && IsRealGain(onlyModel, onlyChampion);
        if (became != due)
            _findings.Add(new(e.Index, became ? "champion change without a real gain" : "real gain not made champion",
                $"contributed model {hash}: {onlyModel} examples only it got right, {onlyChampion} only the champion"));
        _contributions.Add((e.Index, period, data.Clone()));
        if (became && hash is not null && Text(data, "contributionId") is { } contributionId)
            _contributedChampions[hash] = contributionId;
        if (became)
            _champion = hash;
    }

    /// <summary>P(X ≥ b) &lt; 5% for X ~ Binomial(b + c, ½), and b &gt; c, in integers.</summary>
    internal static bool IsRealGain(int onlyModel, int onlyChampion)
    {
        if (onlyModel <= onlyChampion || onlyChampion < 0)
            return false;
        var n = onlyModel + onlyChampion;
        System.Numerics.BigInteger tail = 0, choose = 1;
        for (var k = 0; k <= n; k++)
        {
            if (k >= onlyModel)
                tail += choose;
            choose = choose * (n - k) / (k + 1);
        }
        return tail * 10_000 < (System.Numerics.BigInteger.One << n) * 500;
    }

    /// <summary>Re-runs every round whose content is all available; returns (re-run, not re-run).</summary>
    private (int, int) Rerun(ModelContent available)
    {
        var models = new Dictionary<string, (ModelRetrainer.Result Result, int Seed)>(StringComparer.OrdinalIgnoreCase);
        var (rerun, notRerun) = (0, 0);
        foreach (var round in _rounds)
        {
            var t = round.Trained;
            var hash = Text(t, "modelHash") ?? "";
            if (Text(t, "trainer") != ModelRetrainer.KnownTrainer || Text(t, "codeVersion") is not { } code || !code.Contains(ModelRetrainer.LibraryVersion, StringComparison.Ordinal)
                || !_reveals.TryGetValue(round.Period, out var revealed))
            {
                notRerun++;
                continue;
            }
            var labels = Member(t, "labels") is { ValueKind: JsonValueKind.Array } l ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            if (Examples(round.Index, t, labels, available) is not { } examples)
            {
                notRerun++;
                continue;
            }
            var seed = Int(t, "seed") ?? 0;
            var result = ModelRetrainer.Train(examples.Examples, labels, seed, Int(t, "heldOutPercent") ?? 0, revealed.Salt);
            rerun++;
            var again = result is null
                ? "nothing (a split too small to train)"
                : $"{result.ModelHash}, {result.TrainCount} trained, {result.HeldOutCount} held out, {result.AccuracyBasisPoints} bp, macro {result.MacroAccuracyBasisPoints} bp";
            if (result is null || result.ModelHash != hash.ToLowerInvariant() || result.TrainCount != Int(t, "trainCount") || result.HeldOutCount != Int(t, "heldOutCount")
                || result.AccuracyBasisPoints != Int(t, "accuracyBasisPoints") || result.MacroAccuracyBasisPoints != Int(t, "macroAccuracyBasisPoints")
                || examples.Feedback != Int(t, "feedbackCount") || examples.Skipped != Int(t, "skippedCount"))
            {
                _findings.Add(new(round.Index, "recorded training does not re-run",
                    $"model {hash} records {Int(t, "trainCount")} trained, {Int(t, "heldOutCount")} held out, {Int(t, "accuracyBasisPoints")} bp, macro {Int(t, "macroAccuracyBasisPoints")} bp, " +
                    $"{Int(t, "feedbackCount")} from feedback, {Int(t, "skippedCount")} skipped; the re-run gives {again}, {examples.Feedback} from feedback, {examples.Skipped} skipped"));
                continue;
            }
            models[hash] = (result, seed);
            if (_valued.TryGetValue(round.Stream, out var valued))
                RerunValue(round, valued, examples, result, labels, seed, revealed.Salt);
            // The contributed models measured in this round came first, on the held-out examples of its split.
            var firstAt = examples.Sourced.GroupBy(x => x.Example.Text, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(x => _submitted.GetValueOrDefault(x.ContributionId).At), StringComparer.Ordinal);
            foreach (var contributed in _contributions.Where(c => c.Period == round.Period))
                RerunContributed(contributed, result.HeldOut, firstAt, labels, models, available);
            var e = round.Evaluated;
            if (Text(e, "championModelHash") is not { } championHash)
                continue;
            if (ContenderOf(championHash, models, available) is not { } champion)
                continue; // the champion could not be re-run (its training or its file): its comparison stays checked on the recorded numbers only
            var compared = result.HeldOut.Where(x => champion.Unseen(x, firstAt)).ToList();
            var challengerBp = ModelRetrainer.AccuracyOn(result.Model, seed, compared);
            var championBp = champion.Trained is { } trained ? ModelRetrainer.AccuracyOn(trained.Model, champion.Seed, compared)
                : ModelRetrainer.BasisPoints(champion.Right(compared, labels));
            if (compared.Count != Int(e, "comparedCount") || challengerBp != Int(e, "challengerComparedBasisPoints") || championBp != Int(e, "championComparedBasisPoints"))
                _findings.Add(new(round.Index, "recorded champion comparison does not re-run",
                    $"model {hash} against {championHash}: recorded {Int(e, "challengerComparedBasisPoints")} bp against {Int(e, "championComparedBasisPoints")} bp on {Int(e, "comparedCount")}; " +
                    $"re-run {challengerBp} bp against {championBp} bp on {compared.Count}"));
        }
        return (rerun, notRerun);
    }

    /// <summary>
    /// A model in a comparison: one trained here (re-run, with its seed), or a contributed file with its submission's
    /// place in the log. Each is compared only on examples it cannot have seen: not trained on, or first contributed after it.
    /// </summary>
    private sealed record Contender(ModelRetrainer.Result? Trained, int Seed, byte[]? File, long SubmittedAt)
    {
        public bool Unseen(ModelRetrainer.Example x, IReadOnlyDictionary<string, long> firstAt) =>
            Trained is { } t ? !t.TrainTextHashes.Contains(ModelRetrainer.TextHash(x.Text)) : firstAt.GetValueOrDefault(x.Text) > SubmittedAt;

        /// <summary>Which examples it labels right; a file that breaks the contract gets none right, as in the round.</summary>
        public IReadOnlyList<bool> Right(IReadOnlyList<ModelRetrainer.Example> examples, List<string> labels) =>
            Trained is { } t ? ModelRetrainer.RightOn(t.Model, Seed, examples)
            : OnnxRerun.Classify(File!, labels.Count, examples.Select(x => x.Text).ToList()) is { } chosen
                ? chosen.Select((label, i) => labels[label] == examples[i].Label).ToList()
                : examples.Select(_ => false).ToList();
    }

    /// <summary>The champion of this hash, re-run or contributed; null when neither its training nor its file is available.</summary>
    private Contender? ContenderOf(string hash, Dictionary<string, (ModelRetrainer.Result Result, int Seed)> models, ModelContent available)
    {
        if (models.TryGetValue(hash, out var trained))
            return new Contender(trained.Result, trained.Seed, null, 0);
        return _contributedChampions.TryGetValue(hash, out var id) && _submitted.TryGetValue(id, out var submission)
            && available.Contents.TryGetValue(id, out var stored) && Unsalted(stored) is var file && ModelRetrainer.Sha256Hex(file) == hash.ToLowerInvariant()
                ? new Contender(null, 0, file, submission.At)
                : null;
    }

    private static byte[] Unsalted(byte[] stored) => ContentSalt.TryStrip(stored, out var unsalted) ? unsalted.ToArray() : stored;

    /// <summary>
    /// Re-runs a contributed model's evaluation: its file from the content given (checked against its snapshot and its
    /// recorded hash), run on the round's held-out examples first contributed after it that the champion it names cannot
    /// have seen, against that champion; it must give the recorded count, accuracies and disagreements exactly.
    /// </summary>
    private void RerunContributed((long Index, long Period, JsonElement Data) evaluation, IReadOnlyList<ModelRetrainer.Example> heldOut,
        IReadOnlyDictionary<string, long> firstAt, List<string> labels, Dictionary<string, (ModelRetrainer.Result Result, int Seed)> models, ModelContent available)
    {
        var data = evaluation.Data;
        var (id, hash) = (Text(data, "contributionId") ?? "", (Text(data, "modelHash") ?? "").ToLowerInvariant());
        if (Text(data, "contract") != OnnxFeatures.Contract || Text(data, "championModelHash") is not { } championHash
            || !available.Contents.TryGetValue(id, out var stored) || !_submitted.TryGetValue(id, out var submission)
            || ContenderOf(championHash, models, available) is not { } champion)
            return; // another contract, no file given (or erased), or a champion that cannot be re-run
        var snapshotHash = Text(data, "modelSnapshotRoot") is { } root && _snapshots.TryGetValue(root, out var members)
            ? members.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase)).ContentHash : null;
        if (snapshotHash != ModelRetrainer.Sha256Hex(stored))
        {
            _findings.Add(new(evaluation.Index, "content does not match the snapshot",
                $"the content given for model {id} does not hash to the content hash its snapshot {Text(data, "modelSnapshotRoot")} records"));
            return;
        }
        var file = Unsalted(stored);
        if (ModelRetrainer.Sha256Hex(file) != hash)
        {
            _findings.Add(new(evaluation.Index, "contributed model's hash is not its file's", $"model {id}: recorded {hash}, the file hashes to {ModelRetrainer.Sha256Hex(file)}"));
            return;
        }
        var model = new Contender(null, 0, file, submission.At);
        var compared = heldOut.Where(x => model.Unseen(x, firstAt) && champion.Unseen(x, firstAt)).ToList();
        var (modelRight, championRight) = (model.Right(compared, labels), champion.Right(compared, labels));
        _contributedRerun++;
        var again = (compared.Count, ModelRetrainer.BasisPoints(modelRight), (int?)ModelRetrainer.BasisPoints(championRight),
            modelRight.Where((right, i) => right && !championRight[i]).Count(), modelRight.Where((right, i) => !right && championRight[i]).Count());
        var said = (Int(data, "comparedCount") ?? -1, Int(data, "accuracyBasisPoints") ?? -1, Int(data, "championAccuracyBasisPoints"),
            Int(data, "onlyModelRight") ?? -1, Int(data, "onlyChampionRight") ?? -1);
        if (said != again)
            _findings.Add(new(evaluation.Index, "recorded model evaluation does not re-run",
                $"model {id} against {championHash}: recorded {said.Item2} bp against {said.Item3} bp on {said.Item1} ({said.Item4} only it right, {said.Item5} only the champion); " +
                $"re-run {again.Item2} bp against {again.Item3} bp on {again.Item1} ({again.Item4}, {again.Item5})"));
    }

    /// <summary>
    /// Re-measures a round's <c>DataValued</c> from the same examples, marked new against the baseline's snapshots, and
    /// recounts each batch's shares; a batch recorded without shares (before contracts 1.18) has none to check.
    /// </summary>
    private void RerunValue(Round round, (long Index, JsonElement Data) valued, RoundExamples examples, ModelRetrainer.Result model,
        List<string> labels, int seed, byte[] salt)
    {
        var percent = Int(round.Trained, "heldOutPercent") ?? 0;
        HashSet<string> Members(string field) =>
            Text(valued.Data, field) is { } root && _snapshots.TryGetValue(root, out var members)
                ? members.Select(m => m.Id).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
        var (oldData, oldFeedback) = (Members("baselineSnapshotRoot"), Members("baselineFeedbackSnapshotRoot"));
        _valuedRerun++;
        foreach (var (part, isNew) in new (string, Func<SourcedExample, bool>)[]
                 {
                     ("data", x => !x.FromFeedback && !oldData.Contains(x.ContributionId)),
                     ("feedback", x => x.FromFeedback && !oldFeedback.Contains(x.ContributionId)),
                 })
        {
            var again = DataValueRerun.Measure(examples.Sourced.Select(x => (x.Example, isNew(x))).ToList(), model.Model, labels, seed, percent, salt);
            var recorded = Member(valued.Data, part);
            var said = recorded is { } r
                ? (Int(r, "newCount") ?? -1, Int(r, "evaluatedCount") ?? -1, Int(r, "withBasisPoints"), Int(r, "withoutBasisPoints"), Int(r, "gainBasisPoints"))
                : (-1, -1, null, null, null);
            if (said != again)
                _findings.Add(new(valued.Index, "recorded data value does not re-run",
                    $"{round.Stream}: {part} recorded {Show(said)}; the re-run gives {Show(again)}"));
            if (recorded is { } batch && Member(batch, "shares") is { ValueKind: JsonValueKind.Array } shares)
            {
                var sharesAgain = DataValueRerun.Shares(examples.Sourced.Select(x => (x.Example, x.ContributionId, isNew(x))).ToList(), _submitted, percent, salt);
                var sharesSaid = shares.EnumerateArray().Select(s => new DataValueRerun.Share(Text(s, "contributionId") ?? "", Text(s, "contributor") ?? "", Int(s, "examples") ?? -1)).ToList();
                if (!sharesSaid.SequenceEqual(sharesAgain))
                    _findings.Add(new(valued.Index, "recorded data shares do not re-run",
                        $"{round.Stream}: {part} records {Show(sharesSaid)}, the re-run gives {Show(sharesAgain)}; " +
                        $"recorded only: {Show(sharesSaid.Except(sharesAgain).ToList())}; re-run only: {Show(sharesAgain.Except(sharesSaid).ToList())}"));
            }
        }
    }

    /// <summary>A batch's shares in a line: how many and their examples, or, for the few that differ, each one.</summary>
    private static string Show(IReadOnlyList<DataValueRerun.Share> shares) => shares.Count switch
    {
        0 => "none",
        <= 5 => string.Join(", ", shares.Select(s => $"{s.ContributionId} ({s.Contributor}) {s.Examples}")),
        _ => $"{shares.Count} shares of {shares.Sum(s => s.Examples)} examples",
    };

    private static string Show((int New, int Evaluated, int? With, int? Without, int? Gain) v) =>
        $"{v.New} new, measured on {v.Evaluated}: {v.With?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} bp with, " +
        $"{v.Without?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} bp without, gain {v.Gain?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";

    /// <summary>An example with the contribution it came from, and whether that was feedback.</summary>
    private sealed record SourcedExample(ModelRetrainer.Example Example, string ContributionId, bool FromFeedback);

    private sealed record RoundExamples(List<SourcedExample> Sourced, int Feedback, int Skipped)
    {
        public List<ModelRetrainer.Example> Examples { get; } = Sourced.Select(s => s.Example).ToList();
    }

    /// <summary>The round's examples from the content given, each checked against the snapshot's content hash; null when any is missing.</summary>
    private RoundExamples? Examples(long index, JsonElement trained, List<string> labels, ModelContent available)
    {
        var examples = new List<SourcedExample>();
        var (members, feedback) = (0, 0);
        foreach (var (root, isFeedback) in new[] { (Text(trained, "snapshotRoot"), false), (Text(trained, "feedbackSnapshotRoot"), true) })
        {
            if (root is null)
                continue;
            if (!_snapshots.TryGetValue(root, out var snapshot))
            {
                _findings.Add(new(index, "trained on an unrecorded snapshot", $"snapshot {root} is not in the history"));
                return null;
            }
            members += snapshot.Count;
            foreach (var (id, contentHash) in snapshot)
            {
                if (!available.Contents.TryGetValue(id, out var stored))
                    return null; // erased or not given: this round cannot be re-run
                if (ModelRetrainer.Sha256Hex(stored) != contentHash)
                {
                    _findings.Add(new(index, "content does not match the snapshot", $"the content given for {id} does not hash to its snapshot's content hash {contentHash}"));
                    return null;
                }
                if (!isFeedback)
                {
                    if (ModelRetrainer.ReadExample(stored, labels, MaxTextLength) is { } example)
                        examples.Add(new(example, id, false));
                }
                else if (ModelRetrainer.ReadFeedback(stored, labels) is { } said && available.Predictions.TryGetValue(said.PredictionId, out var predicted))
                {
                    examples.Add(new(new(predicted.Text, said.Correct ? predicted.Label : said.Label!), id, true));
                    feedback++;
                }
            }
        }
        return new RoundExamples(examples, feedback, members - examples.Count);
    }
}

/// <param name="Trained">ModelTrained events.</param>
/// <param name="Legacy">Of them, trained on the public split before the first private period (nothing to open).</param>
/// <param name="Rerun">Rounds re-run from the content given.</param>
/// <param name="NotRerun">Rounds not re-run: no content given, a member's content missing (erased), another library version, or an unrevealed salt.</param>
/// <param name="Contributed">Model contributions evaluated (checked on the recorded numbers), refused ones included.</param>
/// <param name="Refused">Of them, refused by the evaluator.</param>
/// <param name="Valued">Rounds with a <c>DataValued</c> (checked on the recorded numbers).</param>
/// <param name="ValuedRerun">Of them, re-measured from the content given.</param>
/// <param name="ContributedRerun">Contributed models' evaluations (not refused) re-run with ONNX Runtime from the content given.</param>
internal sealed record ModelReplayResult(int Trained, int Legacy, int Periods, int Revealed, int Evaluated, int Rerun, int NotRerun, string? Champion,
    IReadOnlyList<ReplayDifference> Findings, int Contributed = 0, int Refused = 0, int Valued = 0, int ValuedRerun = 0, int ContributedRerun = 0);
