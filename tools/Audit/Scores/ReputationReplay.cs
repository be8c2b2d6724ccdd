using System.Globalization;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes every reputation change from the history, as the contract (<c>ReputationChanged</c>) states the rule:
/// each validator's reputation starts where its registration says (the policy's <c>reputationStart</c>), and every
/// change must start from the value the previous one left, step toward its agreement by the named policy's rate (never
/// below its floor), and carry the agreement its review earned: |score − consensus| against the clipping distance, with
/// the consensus of its own round (a first round's <c>ContributionScored</c>, an appeal panel's <c>AppealDecided</c>),
/// a first-round review measured against the appeal's consensus (reason <c>appeal</c>), or 0 for a commitment never
/// revealed (reason <c>unrevealed</c>). Every review counted by a consensus must move its reviewer exactly once.
/// A reviewer's reputation recorded at assignment (its weight in the consensus) must be one its history has held.
/// Pure: fed one event at a time, in log order; the agreements are checked at the end, since a case's score and its
/// reputation changes are recorded in one transaction in either order.
/// </summary>
internal sealed class ReputationReplay : IReplay
{
    public string Name => "reputation";

    IReplaySection IReplay.Finish() => Finish();

    private const string Unrevealed = "unrevealed", Appeal = "appeal", Audit = "audit";

    private readonly Dictionary<string, Policy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _reputation = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<decimal>> _held = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Round> _firstRounds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Round> _appealRounds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string Case, string Validator)> _committed = [];
    private readonly HashSet<(string Case, string Validator)> _revealed = [];
    private readonly List<(long Index, string Case, string Validator)> _commitments = [];
    private readonly Dictionary<string, List<long>> _closedAt = new(StringComparer.Ordinal);
    private readonly List<Move> _moves = [];
    private readonly List<ReplayDifference> _findings = [];
    private int _registered, _assignmentsChecked;

    private sealed record Policy(int ClipDistance, decimal Rate, decimal Floor);

    /// <summary>A round's consensus and the scores of the reviews it counted.</summary>
    private sealed record Round(long Index, int Consensus, IReadOnlyDictionary<string, int> Scores);

    private sealed record Move(long Index, string Validator, string Case, decimal Agreement, string Policy, string? Reason);

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "scoringpolicypublished":
                if (Text(e.Data, "version") is { } version && Int(e.Data, "clipDistance") is { } clip
                    && Decimal(e.Data, "reputationRate") is { } rate && Decimal(e.Data, "reputationFloor") is { } floor)
                    _policies.TryAdd(version, new Policy(clip, rate, floor));
                break;
            case "validatorregistered":
                Register(e);
                break;
            case "reviewersassigned":
            case "appealreviewersassigned":
                CheckWeights(e, Array(e.Data, "reviewers") ?? []);
                break;
            case "reviewerreassigned":
                if (Member(e.Data, "replacement") is { } replacement)
                    CheckWeights(e, [replacement]);
                break;
            case "reviewcommitted":
                if (Text(e.Data, "contributionId") is { } committedCase && Text(e.Data, "validator") is { } committer)
                {
                    _committed.Add((committedCase.ToLowerInvariant(), committer.ToLowerInvariant()));
                    _commitments.Add((e.Index, committedCase.ToLowerInvariant(), committer.ToLowerInvariant()));
                }
                break;
            case "reviewsubmitted":
                if (Text(e.Data, "contributionId") is { } reviewedCase && Text(e.Data, "validator") is { } reviewer)
                    _revealed.Add((reviewedCase.ToLowerInvariant(), reviewer.ToLowerInvariant()));
                break;
            case "contributionscored":
                Closed(e);
                if (RoundOf(e, e.Data) is { } first)
                    _firstRounds[Text(e.Data, "contributionId")!.ToLowerInvariant()] = first;
                break;
            case "appealdecided":
                Closed(e);
                if (RoundOf(e, e.Data) is { } panel)
                    _appealRounds[Text(e.Data, "contributionId")!.ToLowerInvariant()] = panel;
                break;
            case "reputationchanged":
                Change(e);
                break;
        }
    }

    public ReputationReplayResult Finish()
    {
        var moved = new HashSet<(string Case, string Validator, bool Appeal)>();
        foreach (var move in _moves)
        {
            if (!moved.Add((move.Case, move.Validator, SecondRound(move))))
                Find(move.Index, "reputation moved twice", $"{move.Validator} was moved twice for contribution {move.Case}{(SecondRound(move) ? " by its second round" : "")}");
            var expected = ExpectedAgreement(move);
            if (expected is { } agreement && agreement != move.Agreement)
                Find(move.Index, "agreement", $"{move.Validator} on contribution {move.Case}: recorded agreement {move.Agreement}, its review and the consensus give {agreement}");
        }
        // Every review a consensus counted moved its registered reviewer (a missing move keeps a careless reviewer's
        // weight). Histories written by hand for tests register nobody and record no moves; a service's never.
        bool Missing(string contribution, string validator, bool appeal) =>
            _reputation.ContainsKey(validator) && !moved.Contains((contribution, validator.ToLowerInvariant(), appeal));
        foreach (var (contribution, round) in _firstRounds)
            foreach (var validator in round.Scores.Keys.Where(v => Missing(contribution, v, false)))
                Find(round.Index, "reputation not moved", $"{validator} reviewed contribution {contribution} and its reputation never moved for it");
        // A commitment never revealed in a round that closed after it costs reputation (its reason: unrevealed).
        foreach (var (index, contribution, validator) in _commitments)
            if (!_revealed.Contains((contribution, validator)) && _closedAt.GetValueOrDefault(contribution)?.Any(at => at > index) == true
                && Missing(contribution, validator, false))
                Find(index, "reputation not moved", $"{validator} committed a review of contribution {contribution}, never revealed it, and its reputation never moved for it");
        foreach (var (contribution, panel) in _appealRounds)
        {
            foreach (var validator in panel.Scores.Keys.Where(v => Missing(contribution, v, false)))
                Find(panel.Index, "reputation not moved", $"{validator} sat on the appeal panel of contribution {contribution} and its reputation never moved for it");
            if (_firstRounds.TryGetValue(contribution, out var first))
                foreach (var validator in first.Scores.Keys.Where(v => Missing(contribution, v, true)))
                    Find(panel.Index, "reputation not moved", $"{validator}'s first-round review of contribution {contribution} was never measured against its appeal");
        }
        return new ReputationReplayResult(_registered, _moves.Count, _assignmentsChecked, _findings);
    }

    private decimal? ExpectedAgreement(Move move)
    {
        if (!_policies.TryGetValue(move.Policy, out var policy))
            return null; // named when the change was read
        if (move.Reason == Unrevealed)
        {
            if (!_committed.Contains((move.Case, move.Validator)))
                Find(move.Index, "unrevealed without a commitment", $"{move.Validator} is penalised for not revealing a review of contribution {move.Case} it never committed");
            return 0m;
        }
        // A first-round review measured against its appeal, or a review against the consensus of the round it was in.
        var round = SecondRound(move) ? _appealRounds.GetValueOrDefault(move.Case)
            : _appealRounds.TryGetValue(move.Case, out var panel) && panel.Scores.ContainsKey(move.Validator) ? panel
            : _firstRounds.GetValueOrDefault(move.Case);
        var scores = SecondRound(move) ? _firstRounds.GetValueOrDefault(move.Case)?.Scores : round?.Scores;
        if (round is null || scores is null || !scores.TryGetValue(move.Validator, out var score))
        {
            Find(move.Index, "reputation without a review", $"{move.Validator}'s reputation moved for contribution {move.Case}, which counted no review of theirs{(move.Reason is null ? "" : $" (reason {move.Reason})")}");
            return null;
        }
        return ScoringRules.Agreement(score, round.Consensus, policy.ClipDistance);
    }

    /// <summary>A round of the case closed here (a first-round score, any kind, or an appeal's decision).</summary>
    private void Closed(LogEvent e)
    {
        if (Text(e.Data, "contributionId") is not { } id)
            return;
        var key = id.ToLowerInvariant();
        (_closedAt.TryGetValue(key, out var at) ? at : _closedAt[key] = []).Add(e.Index);
    }

    /// <summary>A first-round review measured against the second round: an appeal's (<c>appeal</c>) or an audit's (<c>audit</c>).</summary>
    private static bool SecondRound(Move move) => move.Reason is Appeal or Audit;

    private void Register(LogEvent e)
    {
        if (Text(e.Data, "validator") is not { } validator || Decimal(e.Data, "reputation") is not { } start)
        {
            Find(e.Index, "malformed registration", $"{e.Describe()}: needs validator and reputation");
            return;
        }
        _registered++;
        if (_reputation.ContainsKey(validator))
            return; // a second registration changes nothing (the service refuses it)
        _reputation[validator] = start;
        Held(validator).Add(start);
    }

    private void CheckWeights(LogEvent e, IReadOnlyList<System.Text.Json.JsonElement> reviewers)
    {
        foreach (var reviewer in reviewers)
        {
            if (Text(reviewer, "validator") is not { } validator || Decimal(reviewer, "reputation") is not { } weight)
                continue; // a malformed assignment is the score and assignment replays' finding
            _assignmentsChecked++;
            // Assignment and a reputation change of the same validator may commit in either order, so any value its
            // history has held is accepted: what is refused is a weight the validator never had.
            if (_held.TryGetValue(validator, out var held) && !held.Contains(weight))
                Find(e.Index, "reputation at assignment", $"{validator} is weighted {weight} in contribution {Text(e.Data, "contributionId")}'s consensus, a reputation its history never gave it (now {_reputation[validator]})");
        }
    }

    private Round? RoundOf(LogEvent e, System.Text.Json.JsonElement data)
    {
        if (Text(data, "contributionId") is null || Member(data, "components") is not { } components
            || Int(components, "consensusScore") is not { } consensus)
            return null; // a fallback, a duplicate or an appeal short of quorum: no consensus, nobody moves for it
        var scores = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var review in Array(data, "reviews") ?? [])
            if (Text(review, "validator") is { } validator && Int(review, "score") is { } score)
                scores[validator] = score;
        return new Round(e.Index, consensus, scores);
    }

    private void Change(LogEvent e)
    {
        if (Text(e.Data, "validator") is not { } validator || Text(e.Data, "contributionId") is not { } contribution
            || Decimal(e.Data, "previous") is not { } previous || Decimal(e.Data, "next") is not { } next
            || Decimal(e.Data, "agreement") is not { } agreement || Text(e.Data, "policyVersion") is not { } version)
        {
            Find(e.Index, "malformed reputation change", $"{e.Describe()}: needs validator, contributionId, previous, next, agreement and policyVersion");
            return;
        }
        var reason = Text(e.Data, "reason");
        if (!_reputation.TryGetValue(validator, out var current))
            Find(e.Index, "reputation of nobody", $"{validator} was never registered, yet its reputation moved for contribution {contribution}");
        else if (previous != current)
            Find(e.Index, "reputation chain", $"{validator}'s reputation moved from {previous} for contribution {contribution}, but its history left it at {current}");
        if (!_policies.TryGetValue(version, out var policy))
            Find(e.Index, "unknown policy", $"{validator}'s reputation moved under scoring policy {version}, which the history never published");
        else if (ScoringRules.NextReputation(previous, agreement, policy.Rate, policy.Floor) is var expected && expected != next)
            Find(e.Index, "reputation step", $"{validator} on contribution {contribution}: from {previous} with agreement {agreement} policy {version} gives {expected}, recorded {next}");
        _reputation[validator] = next;
        Held(validator).Add(next);
        _moves.Add(new Move(e.Index, validator.ToLowerInvariant(), contribution.ToLowerInvariant(), agreement, version, reason));
    }

    private HashSet<decimal> Held(string validator) =>
        _held.TryGetValue(validator, out var held) ? held : _held[validator] = [];

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));
}

/// <summary>What <see cref="ReputationReplay"/> recomputed.</summary>
internal sealed record ReputationReplayResult(int Registered, int Changes, int WeightsChecked, IReadOnlyList<ReplayDifference> Findings) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("reputation", ["registered", "changes recomputed", "weights checked", "findings"],
            [[I(Registered), I(Changes), I(WeightsChecked), I(Findings.Count)]]);
        console.Findings("reputation findings", Findings);
    }
}
