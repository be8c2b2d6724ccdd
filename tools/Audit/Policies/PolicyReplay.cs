using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Audit.Scores;
using CommunityAI.Formats;
using CommunityAI.Formats.Json;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Audit.Policies;

/// <summary>
/// Recomputes from the history which reward policy was in force for every credit (and the credit's amount under it,
/// including the shares for unreviewed scores), that every policy after genesis applies a passed, timelocked, unvetoed
/// proposal's payload and never reaches back into an epoch already credited, and every proposal's tally from its votes,
/// the snapshot's earned amounts and delegations, its timeline from the dates it was submitted with (each vote inside
/// the voting period, the end of voting moved by a late quorum, activation not before the timelock after that end, all
/// recomputed rather than read from the outcome events) and the parameters it was submitted under
/// (<see cref="GovernanceRules"/>), and (given the signing domain) that every veto is signed by
/// the guardian it names. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class PolicyReplay(SigningDomain? domain = null) : IReplay
{
    public string Name => "policies";

    IReplaySection IReplay.Finish() => Finish();

    private const string RewardKind = "reward-policy";

    private readonly List<ReplayDifference> _findings = [];
    private readonly List<(long Index, long From, RewardPolicy Policy, string? ProposalId)> _rewardPolicies = [];
    private readonly Dictionary<long, int> _creditsPerPolicy = [];
    private readonly Dictionary<string, (string Kind, int Score, bool Fallback)> _scores = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _seenContent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Proposal> _proposals = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Address, BigInteger Amount, long Epoch)> _credits = [];
    private readonly Dictionary<(string, long), BigInteger> _earnedInEpoch = [];
    // What each address earned in each epoch had every credit been the policy's amount, and each credit that was not.
    private readonly Dictionary<(string, long), BigInteger> _fairEarnedInEpoch = [];
    private readonly Dictionary<long, BigInteger> _policyAmounts = [];
    private readonly HashSet<string> _scoringVersions = new(StringComparer.Ordinal);
    private readonly List<TallyReplay> _tallies = [];
    private readonly GovernanceRules _rules = new();
    private long _newestCreditedEpoch = -1;
    private int _creditsChecked;

    public void Add(LogEvent e)
    {
        var data = e.Data;
        switch (EventData.Normalize(e.Type))
        {
            case "contributionsubmitted" when e.Stream.StartsWith("contributions/", StringComparison.Ordinal):
                if (Text(data, "contributionId") is { } submitted && data.TryGetProperty("contentSize", out var size) && size.ValueKind == JsonValueKind.Number)
                    _seenContent.Add(submitted);
                break;
            case "contributionscored" when e.Stream.StartsWith("scoring/", StringComparison.Ordinal):
                if (Text(data, "contributionId") is { } scored && Text(data, "kind") is { } kind && Long(data, "score") is { } score)
                    _scores.TryAdd(scored, (kind, (int)score, Text(data, "fallback") is not null));
                break;
            case "scoringpolicypublished" when e.Stream == "scoring/policies":
                if (Text(data, "version") is { } scoringVersion && !_scoringVersions.Add(scoringVersion))
                    Find(e, "scoring policy version reused", $"scoring policy {scoringVersion} is recorded twice");
                break;
            case "rewardpolicypublished" when e.Stream == RewardPolicySchedule.Stream:
                AddRewardPolicy(e);
                break;
            case "contributionrewarded" when e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal):
                AddCredit(e);
                break;
            // Validator pay and revenue lines are earned amounts too (voting weight), though outside the per-epoch cap.
            case "validatorsrewarded" when e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal):
                AddLines(data, "validator");
                break;
            case "revenuesplit" when e.Stream.StartsWith("ledger/revenue/", StringComparison.Ordinal):
                AddLines(data, "address");
                break;
            // Measured credits (a contributed model's gain, a contribution's data value), each from its kind's streams.
            case "modelgainrewarded" when e.Stream.StartsWith(CreditKind.Gain.Streams, StringComparison.Ordinal):
            case "datavaluerewarded" when e.Stream.StartsWith(CreditKind.DataValue.Streams, StringComparison.Ordinal):
                if (Text(data, "contributor") is { } gainer && Long(data, "epoch") is { } gainEpoch && EventData.TryAmount(Text(data, "amount"), out var gained))
                    _credits.Add((gainer, gained, gainEpoch));
                break;
            // Reversals and appeal settlements move earned amounts too, under the published rule (CumulativeClaims), as
            // governance counts them: a reward's adjustment and a measured credit's reversal alike.
            case "rewardadjusted" when e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal):
            case "modelgainreversed" when e.Stream.StartsWith(CreditKind.Gain.Streams, StringComparison.Ordinal):
            case "datavaluereversed" when e.Stream.StartsWith(CreditKind.DataValue.Streams, StringComparison.Ordinal):
                if (Text(data, "account") is { } debited && Long(data, "epoch") is { } debitEpoch && AppealSettlementReplay.Signed(Text(data, "amount")) is { } debit)
                    _credits.Add((debited, debit, debitEpoch));
                break;
            case "appealsettled" when e.Stream.StartsWith("ledger/credits/", StringComparison.Ordinal):
                if (Long(data, "epoch") is { } settledEpoch)
                    foreach (var line in EventData.Array(data, "lines") ?? [])
                        if (Text(line, "account") is { } account && AppealSettlementReplay.Signed(Text(line, "amount")) is { } moved)
                            _credits.Add((account, moved, settledEpoch));
                break;
            case "proposalsubmitted" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                if (Text(data, "proposalId") is { } id)
                {
                    _proposals[id] = new Proposal(e.Index, data.Clone(), Snapshot(data));
                    if (_rules.Check(data) is { } broken)
                        Find(e, "governance parameters", $"proposal {id} {broken}");
                }
                break;
            case "votecast" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                if (Text(data, "proposalId") is { } voted && _proposals.TryGetValue(voted, out var onVote))
                {
                    if (onVote.Succeeded is not null)
                        Find(e, "vote outside the period", $"{e.Describe()}: a vote on {voted} recorded after its outcome");
                    onVote.Votes.Add((e.Index, Text(data, "voter") ?? "", (int)(Long(data, "support") ?? -1), Amount(Text(data, "weight")), Time(data, "castAt")));
                }
                break;
            case "proposalsucceeded" or "proposaldefeated" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                Decide(e, EventData.Normalize(e.Type) == "proposalsucceeded");
                break;
            case "proposalqueued" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                if (Text(data, "proposalId") is { } queued && _proposals.TryGetValue(queued, out var onQueue)
                    && Time(data, "activatesAt") is var recorded && recorded != onQueue.ActivatesAt)
                    Find(e, "timelock", $"proposal {queued} is queued to activate at {Text(data, "activatesAt")}; its timelock ends {onQueue.ActivatesAt:O}");
                break;
            case "proposalvetoed" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                if (Text(data, "proposalId") is { } vetoed && _proposals.TryGetValue(vetoed, out var onVeto))
                    onVeto.Vetoed = true;
                CheckVetoSignature(e);
                break;
            case "policyactivated" when e.Stream.StartsWith("governance/", StringComparison.Ordinal):
                Activate(e);
                break;
        }
    }

    /// <summary>
    /// The amount the policy in force gives each contribution credit recorded with another amount, by the credit's log
    /// index (every earlier credit of its address in its epoch taken at the policy's amount too, for the cap): what the
    /// claim roots must be built from (<see cref="RewardReplay"/>), so a credit wrong when it was written shows in every
    /// root it fed even though the ledger built that root from it.
    /// </summary>
    public IReadOnlyDictionary<long, BigInteger> PolicyAmounts => _policyAmounts;

    public PolicyReplayResult Finish() => new(
        [.. _rewardPolicies.Select(p => new PolicyInForce(p.Index, p.Policy.Version, p.From, p.ProposalId, _creditsPerPolicy.GetValueOrDefault(p.Index)))],
        _creditsChecked, _tallies, _findings);

    private void AddRewardPolicy(LogEvent e)
    {
        var data = e.Data;
        if (ReadPolicy(data) is not { } policy)
        {
            Find(e, "malformed reward policy", $"{e.Describe()}: not a valid reward policy");
            return;
        }
        var from = Long(data, "effectiveFromEpoch") ?? 0;
        var proposalId = Text(data, "proposalId");
        if (proposalId is null && _rewardPolicies.Count > 0)
            Find(e, "reward policy without a vote", $"reward policy {policy.Version} is recorded after genesis without a proposal");
        if (_rewardPolicies.Count > 0 && policy.Version <= _rewardPolicies.Max(p => p.Policy.Version))
            Find(e, "reward policy version", $"reward policy {policy.Version} does not raise the version");
        if (_rewardPolicies.Count > 0 && from <= _newestCreditedEpoch)
            Find(e, "retroactive reward policy", $"reward policy {policy.Version} applies from epoch {from}, but epoch {_newestCreditedEpoch} was already credited");
        if (proposalId is not null)
        {
            if (!_proposals.TryGetValue(proposalId, out var proposal) || proposal.Activated is null)
                Find(e, "reward policy without a vote", $"reward policy {policy.Version} names proposal {proposalId}, which the history never activated");
            else if (proposal.Kind != RewardKind)
                Find(e, "reward policy without a vote", $"proposal {proposalId} is a {proposal.Kind} proposal, not a reward policy");
            else if (PayloadPolicy(proposal.Payload) is not { } voted || !Same(voted, policy))
                Find(e, "reward policy differs from the vote", $"reward policy {policy.Version} is not the payload proposal {proposalId} passed");
        }
        _rewardPolicies.Add((e.Index, from, policy, proposalId));
    }

    private void AddCredit(LogEvent e)
    {
        var data = e.Data;
        if (Text(data, "contributionId") is not { } id || Text(data, "contributor") is not { } address || Long(data, "epoch") is not { } epoch)
            return; // the reward replay reports malformed credits
        var amount = Amount(Text(data, "amount"));
        _newestCreditedEpoch = Math.Max(_newestCreditedEpoch, epoch);
        _credits.Add((address, amount, epoch));
        var key = (address.ToLowerInvariant(), epoch);
        var earned = _earnedInEpoch.GetValueOrDefault(key);
        _earnedInEpoch[key] = earned + amount;
        var fairEarned = _fairEarnedInEpoch.GetValueOrDefault(key);
        var fair = Price(e, id, epoch, amount, earned, fairEarned) ?? amount;
        _fairEarnedInEpoch[key] = fairEarned + fair;
        if (fair != amount)
            _policyAmounts[e.Index] = fair;
    }

    /// <summary>
    /// Holds a credit against the policy in force for its epoch and the score it pays; returns the amount the policy gives
    /// when every earlier credit of the address in the epoch had been the policy's too (<paramref name="fairEarned"/>), or
    /// null when there is nothing to price it by. The finding compares with what the recorded credits before it leave under
    /// the cap (<paramref name="earned"/>), so it names the credit that went wrong, not the ones whose cap it moved.
    /// </summary>
    private BigInteger? Price(LogEvent e, string id, long epoch, BigInteger amount, BigInteger earned, BigInteger fairEarned)
    {
        if (_rewardPolicies.Count == 0)
            return null; // a history from before policies were recorded: nothing to hold the credit against
        _creditsChecked++;
        var inForce = _rewardPolicies.LastOrDefault(p => p.From <= epoch);
        if (inForce.Policy is null)
        {
            Find(e, "credit without a policy", $"contribution {id} is credited in epoch {epoch}, before any reward policy applies");
            return null;
        }
        _creditsPerPolicy[inForce.Index] = _creditsPerPolicy.GetValueOrDefault(inForce.Index) + 1;
        if (Text(e.Data, "policyVersion") != inForce.Policy.Name)
        {
            Find(e, "credit policy", $"contribution {id} in epoch {epoch} names {Text(e.Data, "policyVersion")}; the policy in force was {inForce.Policy.Name}");
            return null;
        }
        if (!_scores.TryGetValue(id, out var score))
            return null;
        var evidence = !score.Fallback ? RewardEvidence.Consensus : _seenContent.Contains(id) ? RewardEvidence.Automated : RewardEvidence.Unseen;
        var expected = inForce.Policy.RewardFor(score.Kind, score.Score, earned, evidence);
        if (expected != amount)
            Find(e, "credit amount", $"contribution {id} is credited {amount}; {inForce.Policy.Name} gives {expected} for score {score.Score} ({evidence})");
        return fairEarned == earned ? expected : inForce.Policy.RewardFor(score.Kind, score.Score, fairEarned, evidence);
    }

    private void AddLines(JsonElement data, string addressMember)
    {
        if (Long(data, "epoch") is not { } epoch || !data.TryGetProperty("lines", out var lines) || lines.ValueKind != JsonValueKind.Array)
            return; // the reward replay reports malformed lines
        foreach (var line in lines.EnumerateArray())
            if (Text(line, addressMember) is { } address && Amount(Text(line, "amount")) is var amount && amount >= 0)
                _credits.Add((address, amount, epoch));
    }

    private void Decide(LogEvent e, bool succeeded)
    {
        if (Text(e.Data, "proposalId") is not { } id || !_proposals.TryGetValue(id, out var proposal))
        {
            Find(e, "outcome without a proposal", $"{e.Describe()}: no such proposal in the history");
            return;
        }
        var power = proposal.Snapshot(this);
        var needed = (power.Total * proposal.QuorumBasisPoints + 9_999) / 10_000;
        var buckets = new BigInteger[3];
        var supportOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var timeline = proposal.Timeline;
        DateTimeOffset? quorumReachedAt = null;
        foreach (var (index, voter, support, recordedWeight, castAt) in proposal.Votes)
        {
            if (support is < 0 or > 2 || !supportOf.TryAdd(voter, support))
            {
                Find(e, "vote", $"vote at log index {index} on {id} is malformed or a second vote by {voter}");
                continue;
            }
            // Governance takes a vote while voting is open under the count before it (a late quorum extends the end).
            if (timeline is null || castAt is not { } at || at < timeline.Value.StartsAt || at >= Deadline(timeline.Value, quorumReachedAt))
                Find(e, "vote outside the period", $"vote at log index {index} by {voter} on {id} is cast at {castAt:O}, outside the voting period");
            var weight = power.Delegators(voter).Where(d => !supportOf.ContainsKey(d)).Aggregate(power.Own(voter), (s, d) => s + power.Own(d));
            if (weight != recordedWeight)
                Find(e, "vote weight", $"vote at log index {index} by {voter} counts {recordedWeight}; the snapshot gives {weight}");
            buckets[support] += weight;
            if (power.DelegateOf(voter) is { } delegatee && supportOf.TryGetValue(delegatee, out var theirs))
                buckets[theirs] -= power.Own(voter);
            // The moment quorum is first reached stays, even if a delegator's override takes it away again (as Tally.With).
            if (quorumReachedAt is null && power.Total > 0 && buckets[1] + buckets[2] >= needed)
                quorumReachedAt = castAt;
        }
        var passes = power.Total > 0 && buckets[1] + buckets[2] >= needed && buckets[1] > buckets[0];
        if (timeline is null)
            Find(e, "proposal timeline", $"proposal {id} was submitted without the dates its voting period and timelock are computed from");
        else
        {
            var deadline = Deadline(timeline.Value, quorumReachedAt);
            if (Time(e.Data, "votingEndedAt") != deadline)
                Find(e, "end of voting", $"proposal {id} recorded voting ended at {Text(e.Data, "votingEndedAt")}; recomputed {deadline:O}");
            proposal.ActivatesAt = deadline.AddSeconds(timeline.Value.TimelockSeconds);
        }
        var matches = passes == succeeded
            && Amount(Text(e.Data, "for")) == buckets[1] && Amount(Text(e.Data, "against")) == buckets[0]
            && Amount(Text(e.Data, "abstain")) == buckets[2] && Amount(Text(e.Data, "quorumNeeded")) == needed;
        if (!matches)
            Find(e, "tally", $"proposal {id} recorded {(succeeded ? "succeeded" : "defeated")} with for {Text(e.Data, "for")}, against {Text(e.Data, "against")}, "
                + $"abstain {Text(e.Data, "abstain")}, quorum {Text(e.Data, "quorumNeeded")}; recomputed {(passes ? "succeeds" : "defeated")} with {buckets[1]}, {buckets[0]}, {buckets[2]}, quorum {needed}");
        proposal.Succeeded = succeeded;
        _tallies.Add(new TallyReplay(e.Index, id, proposal.Kind, succeeded ? "succeeded" : "defeated", passes ? "succeeded" : "defeated",
            N(buckets[1]), N(buckets[0]), N(buckets[2]), matches));
    }

    private void Activate(LogEvent e)
    {
        var data = e.Data;
        if (Text(data, "proposalId") is not { } id || !_proposals.TryGetValue(id, out var proposal))
        {
            Find(e, "activation without a vote", $"{e.Describe()}: the proposal is not in the history");
            return;
        }
        if (proposal.Succeeded is not true)
            Find(e, "activation without a vote", $"proposal {id} is activated but its vote did not pass");
        else if (proposal.Vetoed)
            Find(e, "activation after a veto", $"proposal {id} was vetoed and is activated anyway");
        // The end of the timelock recomputed from the votes and the submitted dates, not the queued event's word for it.
        else if (proposal.ActivatesAt is not { } due || Time(data, "activatedAt") is not { } at || at < due)
            Find(e, "activation before the timelock", $"proposal {id} is activated at {Text(data, "activatedAt")}, its timelock ends {proposal.ActivatesAt:O}");
        if (Text(data, "payload") != proposal.Payload || Text(data, "payloadHash") != Text(proposal.Data, "payloadHash")
            || Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(proposal.Payload))) != Text(proposal.Data, "payloadHash"))
            Find(e, "activated payload", $"proposal {id} activates a payload other than the one signed");
        proposal.Activated = e.Index;
        // As governance does, whatever was found about the activation (found once, here, not again at every later proposal).
        _rules.Activated(proposal.Kind, proposal.Payload);
    }

    private Func<PolicyReplay, Power> Snapshot(JsonElement submitted)
    {
        var epoch = Long(submitted, "snapshotEpoch") ?? -1;
        var squareRoot = submitted.TryGetProperty("squareRootWeighting", out var sq) && sq.ValueKind == JsonValueKind.True;
        var delegations = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (submitted.TryGetProperty("delegations", out var d) && d.ValueKind == JsonValueKind.Object)
            foreach (var p in d.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String && !string.Equals(p.Name, p.Value.GetString(), StringComparison.OrdinalIgnoreCase))
                    delegations[p.Name] = p.Value.GetString()!;
        // The earned amounts are the credits up to the snapshot epoch that were in the history when the proposal came in.
        // Under the rule governance weighs by (the claim tree's cumulative amounts: CumulativeClaims), debits included.
        var earned = CumulativeClaims.At(_credits.Select(c => (c.Address, c.Epoch, c.Amount)), epoch)
            .ToDictionary(c => c.Address, c => c.Amount, StringComparer.OrdinalIgnoreCase);
        return _ => new Power(earned, delegations, squareRoot);
    }

    /// <summary>A RewardPolicyPublished as the published policy, or null when it is not a valid one.</summary>
    internal static RewardPolicy? ReadPolicy(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("basePerKind", out var bases) || bases.ValueKind != JsonValueKind.Object)
            return null;
        var draft = new RewardPolicyDraft(Long(data, "version"),
            bases.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "", StringComparer.Ordinal),
            (int?)Long(data, "zeroBelowScore"), (int?)Long(data, "scoreExponent"), Text(data, "capPerAddressPerEpoch"),
            (int?)Long(data, "fallbackShareBasisPoints"), (int?)Long(data, "unseenContentShareBasisPoints"), (int?)Long(data, "validatorShareBasisPoints"),
            (int?)Long(data, "slashBasisPoints"), Text(data, "modelGainRewardPerBasisPoint"), (int?)Long(data, "datasetValidatorShareBasisPoints"),
            Text(data, "dataGainRewardPerBasisPoint"));
        return draft.Validate(null).Policy;
    }

    private static RewardPolicy? PayloadPolicy(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var (draft, _) = RewardPolicyDraft.Read(document.RootElement);
            return draft?.Validate(null).Policy;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Same(RewardPolicy a, RewardPolicy b) =>
        Encoding.UTF8.GetString(RewardPolicyDraft.From(a).ToCanonicalJson()) == Encoding.UTF8.GetString(RewardPolicyDraft.From(b).ToCanonicalJson());

    /// <summary>A veto must recover to the guardian it names; the reason is signed, so it is the guardian's own.</summary>
    private void CheckVetoSignature(LogEvent e)
    {
        if (domain is null)
            return;
        var data = e.Data;
        string? signer = null;
        if (Text(data, "guardian") is { } guardian && Text(data, "proposalId") is { } proposalId && Text(data, "reason") is { } reason
            && ulong.TryParse(Text(data, "nonce"), NumberStyles.None, CultureInfo.InvariantCulture, out var nonce) && Long(data, "deadline") is { } deadline and >= 0)
        {
            try
            {
                signer = TypedDataSigner.RecoverSigner(new VetoPayload(guardian, proposalId, reason, nonce, (ulong)deadline), domain, Text(data, "signature"));
            }
            catch (ArgumentException)
            {
                signer = null;
            }
            if (string.Equals(signer, guardian, StringComparison.OrdinalIgnoreCase))
                return;
        }
        Find(e, "veto signature", $"{e.Describe()}: the veto is not signed by the guardian it names (recovers to {signer ?? "no address"}, EIP-712 Veto, {domain})");
    }

    private void Find(LogEvent e, string what, string detail) => _findings.Add(new ReplayDifference(e.Index, what, detail));

    private static string N(BigInteger n) => n.ToString(CultureInfo.InvariantCulture);

    private static BigInteger Amount(string? text) =>
        text is { Length: > 0 } && text.All(char.IsAsciiDigit) ? BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : BigInteger.MinusOne;

    private static long? Long(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>As OpenZeppelin's GovernorPreventLateQuorum (and governance's ProposalTimeline): a quorum first reached later than the extension before the end moves the end to the extension after that moment.</summary>
    private static DateTimeOffset Deadline(Timeline timeline, DateTimeOffset? quorumReachedAt) =>
        quorumReachedAt is { } reached && reached.AddSeconds(timeline.LateQuorumExtensionSeconds) > timeline.EndsAt
            ? reached.AddSeconds(timeline.LateQuorumExtensionSeconds)
            : timeline.EndsAt;

    /// <summary>The dates a proposal was submitted with: everything its voting period and timelock are computed from.</summary>
    private readonly record struct Timeline(DateTimeOffset StartsAt, DateTimeOffset EndsAt, long LateQuorumExtensionSeconds, long TimelockSeconds);

    private static DateTimeOffset? Time(JsonElement data, string name) =>
        Text(data, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;

    private sealed class Proposal(long index, JsonElement data, Func<PolicyReplay, Power> snapshot)
    {
        public long Index { get; } = index;
        public JsonElement Data { get; } = data;
        public string Kind => Text(Data, "kind") ?? "";
        public string Payload => Text(Data, "payload") ?? "";
        public int QuorumBasisPoints => (int)(Long(Data, "quorumBasisPoints") ?? 0);
        public List<(long Index, string Voter, int Support, BigInteger Weight, DateTimeOffset? CastAt)> Votes { get; } = [];

        /// <summary>Null when the submitted event lacks a date or duration (then nothing about its timing can be recomputed).</summary>
        public Timeline? Timeline { get; } =
            Time(data, "votingStartsAt") is { } starts && Time(data, "votingEndsAt") is { } ends
            && Long(data, "lateQuorumExtensionSeconds") is { } extension and >= 0 && Long(data, "timelockSeconds") is { } timelock and >= 0
                ? new Timeline(starts, ends, extension, timelock)
                : null;
        public bool? Succeeded { get; set; }
        /// <summary>When the timelock ends, recomputed from the votes and the submitted dates when the outcome is recorded.</summary>
        public DateTimeOffset? ActivatesAt { get; set; }
        public bool Vetoed { get; set; }
        public long? Activated { get; set; }
        private Power? _power;
        public Power Snapshot(PolicyReplay replay) => _power ??= snapshot(replay);
    }

    /// <summary>Weights at a proposal's snapshot: earned (or its integer square root), one level of delegation.</summary>
    private sealed class Power(IReadOnlyDictionary<string, BigInteger> earned, IReadOnlyDictionary<string, string> delegations, bool squareRoot)
    {
        private readonly Dictionary<string, BigInteger> _own = earned.Where(e => e.Value > 0)
            .ToDictionary(e => e.Key, e => squareRoot ? Sqrt(e.Value) : e.Value, StringComparer.OrdinalIgnoreCase);

        public BigInteger Total => _own.Values.Aggregate(BigInteger.Zero, (s, w) => s + w);
        public BigInteger Own(string address) => _own.GetValueOrDefault(address);
        public string? DelegateOf(string address) => delegations.GetValueOrDefault(address);
        public IEnumerable<string> Delegators(string address) =>
            delegations.Where(d => string.Equals(d.Value, address, StringComparison.OrdinalIgnoreCase)).Select(d => d.Key);

        private static BigInteger Sqrt(BigInteger value)
        {
            if (value < 2)
                return value;
            var x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
            while (true)
            {
                var y = (x + value / x) >> 1;
                if (y >= x)
                    return x;
                x = y;
            }
        }
    }
}
