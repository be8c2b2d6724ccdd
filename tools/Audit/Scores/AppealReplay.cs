using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes every appeal from the history alone (rules in AppealFiled, AppealReviewersAssigned and AppealDecided): the
/// Appeal's signature and id (its EIP-712 digest), that the appellant had standing (the contributor, or in the role
/// <c>reviewer</c> a validator assigned to the first round that revealed a review there and was not removed before the
/// appeal), that the contribution was scored and is appealed once; the panel's round (the seed reveals before the appeal),
/// seed SHA-256(secret ‖ appealId), that no candidate reviewed the first round, contributed or appealed, and the panel drawn from the candidates by the published rule; and
/// the final score from the panel's revealed reviews, or the first score when short of a quorum. Commitments and reveals of
/// the panel are checked by <see cref="AssignmentReplay"/> like any. Audit rounds (role <c>audit</c>, unsigned): the draw
/// is recomputed for every consensus score under a policy with <c>auditBasisPoints</c> (the first 8 bytes of
/// SHA-256(secret ‖ SHA-256("audit" ‖ contribution id)), big-endian, modulo 10,000, below the share; the secret of the round
/// the score was recorded in), and a drawn case without its audit round, or an audit round the draw did not pick, is named.
/// Targeted audit rounds (reason <c>lean</c>, policies with <c>leanAuditPoints</c>): every revealed, unclipped first-round
/// review of a consensus score under such a policy (or one with <c>leanExclusionPoints</c>) is summed, as its score minus the
/// consensus score, into its reviewer's tally for the contributor, in log order (<see cref="LeanTallies"/>); a case after which some tally of at least two reviews averages at least the points
/// either way must be audited, drawn or not, and its audit round's reason says which (<c>audit</c> when the draw picks it).
/// Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class AppealReplay(SigningDomain domain) : IReplay
{
    public string Name => "appeals";

    IReplaySection IReplay.Finish() => Finish();

    private readonly List<string> _secrets = [];
    private readonly Dictionary<string, (int AutomatedWeight, int ClipDistance, int AuditBasisPoints, int LeanAuditPoints, int LeanExclusionPoints)> _policies = new(StringComparer.Ordinal);
    /// <summary>Each reviewer's lean toward each contributor.</summary>
    private readonly LeanTallies _leans = new();
    private readonly Dictionary<string, Case> _cases = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Panel> _panels = [];
    private readonly Dictionary<string, long> _removed = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ReplayDifference> _findings = [];
    // As in the scores section: once a decision records agreements (contracts 1.15), every later one must.
    private long? _firstAgreementAt;
    private int _appeals, _decided, _recomputed, _audits, _auditsPending;

    public void Add(LogEvent e)
    {
        switch (Normalize(e.Type))
        {
            case "scoringpolicypublished":
                if (Text(e.Data, "version") is { } version && Int(e.Data, "automatedWeight") is { } weight && Int(e.Data, "clipDistance") is { } clip)
                    _policies.TryAdd(version, (weight, clip, Int(e.Data, "auditBasisPoints") ?? 0, Int(e.Data, "leanAuditPoints") ?? 0,
                        Int(e.Data, "leanExclusionPoints") ?? 0));
                break;
            case "assignmentseedrevealed":
                if (Long(e.Data, "round") == _secrets.Count && Text(e.Data, "secret") is { } secret)
                    _secrets.Add(secret); // order and commitments are AssignmentReplay's to check
                break;
            case "reviewersassigned":
                if (Text(e.Data, "contributionId") is { } assigned)
                {
                    foreach (var assignedReviewer in Array(e.Data, "reviewers") ?? [])
                        if (Text(assignedReviewer, "validator") is { } validator)
                            CaseOf(assigned).FirstRound.Add(validator);
                    foreach (var candidate in Array(e.Data, "candidates") ?? [])
                        if (Text(candidate, "validator") is { } validator)
                            CaseOf(assigned).Candidates.Add(validator);
                }
                break;
            case "reviewerreassigned":
                if (Text(e.Data, "contributionId") is { } reassigned && _cases.TryGetValue(reassigned, out var r)
                    && Member(e.Data, "replacement") is { } replacement && Text(replacement, "validator") is { } added)
                {
                    if (r.Panel is { } panel)
                        panel.Reputations.TryAdd(added, Decimal(replacement, "reputation") ?? 0);
                    else
                        r.FirstRound.Add(added);
                }
                break;
            case "contributionscored":
                if (Text(e.Data, "contributionId") is { } scored && Int(e.Data, "score") is { } score)
                {
                    var c = CaseOf(scored);
                    c.Contributor ??= Text(e.Data, "contributor");
                    if (c.Score is null)
                    {
                        c.FirstReviews = [.. (Array(e.Data, "reviews") ?? []).Select(Reviewed)];
                        // A consensus score is what an audit may re-examine; the draw uses the round it was recorded in.
                        if (Text(e.Data, "fallback") is null && _policies.TryGetValue(Text(e.Data, "policyVersion") ?? "", out var policy))
                        {
                            // Counted toward the leans while either rule that reads them is on; a lean audits only under leanAuditPoints.
                            var leaning = (policy.LeanAuditPoints > 0 || policy.LeanExclusionPoints > 0) && _leans.Add(e.Data, c.Contributor, policy.LeanAuditPoints);
                            if (policy.AuditBasisPoints > 0 || policy.LeanAuditPoints > 0)
                                c.AuditDraw = (e.Index, _secrets.Count, policy.AuditBasisPoints, leaning);
                        }
                    }
                    c.Score ??= (e.Index, score, Member(e.Data, "components") is { } components ? Int(components, "automatedScore") : null);
                }
                break;
            case "reviewsubmitted":
                if (Text(e.Data, "contributionId") is { } reviewed && _cases.TryGetValue(reviewed, out var rc) && Text(e.Data, "validator") is { } reviewer)
                {
                    if (rc.Panel is { } p && Int(e.Data, "score") is { } s && Text(e.Data, "verdict") is { } verdict)
                        p.Reviews.Add((reviewer, s, verdict));
                    else if (rc.Appeal is null)
                        rc.Revealed.Add(reviewer); // a first-round reveal: what gives a reviewer standing to appeal
                }
                break;
            case "validatorremoved":
                if (Text(e.Data, "validator") is { } removed)
                    _removed[removed] = e.Index;
                break;
            case "validatoradmitted":
                if (Text(e.Data, "validator") is { } admitted)
                    _removed.Remove(admitted);
                break;
            case "appealfiled":
                File(e);
                break;
            case "appealreviewersassigned":
                Assign(e);
                break;
            case "appealdecided":
                Decide(e);
                break;
        }
    }

    public AppealReplayResult Finish()
    {
        CheckAudits();
        var pending = 0;
        foreach (var panel in _panels)
        {
            if (panel.Round >= _secrets.Count)
            {
                pending++;
                continue;
            }
            var seed = SHA256.HashData([.. Hex.Decode(_secrets[(int)panel.Round], 32), .. Hex.Decode(panel.AppealId, 32)]);
            if (!string.Equals(panel.Seed, Hex.Encode(seed), StringComparison.OrdinalIgnoreCase))
                Find(panel.Index, "appeal seed", $"contribution {panel.ContributionId}: the panel records seed {panel.Seed}, round {panel.Round}'s secret and the appeal id give {Hex.Encode(seed)}");
            var drawn = panel.Candidates.Select(c => (c.Validator, Key: Key(seed, c.Validator, c.Reputation)))
                .OrderByDescending(x => x.Key).ThenBy(x => x.Validator, StringComparer.OrdinalIgnoreCase)
                .Take(panel.Reviewers.Count).Select(x => x.Validator).ToList();
            if (!drawn.SequenceEqual(panel.Reviewers, StringComparer.OrdinalIgnoreCase))
                Find(panel.Index, "appeal panel", $"contribution {panel.ContributionId}: the panel is [{string.Join(", ", panel.Reviewers)}], the seed and candidates give [{string.Join(", ", drawn)}]");
            else
                _recomputed++;
        }
        return new(_appeals, _recomputed, pending, _decided, _findings, _audits, _auditsPending);
    }

    /// <summary>
    /// Every case the draw picks has exactly one audit round, in the round its score was recorded in, and no other case has
    /// one. A drawn case with nobody to sit on the panel gets none: that is accepted only when the first round's candidates
    /// held nobody but its reviewers (validators admitted in between would be missed, and are named).
    /// </summary>
    private void CheckAudits()
    {
        foreach (var (id, c) in _cases)
        {
            var audited = c.Appeal is { Role: "audit" } ? c.Appeal : null;
            if (c.AuditDraw is not { } draw)
            {
                if (audited is { } unasked)
                    Find(unasked.Index, "audit round not drawn", $"contribution {id}: an audit round, but its score was no consensus under a policy that audits");
                continue;
            }
            // A lean needs no secret to know the case is due; the draw does, and without a lean waits for its round's reveal.
            bool? drawn = draw.Round < _secrets.Count ? draw.BasisPoints > 0 && AuditTicket(_secrets[(int)draw.Round], id) < (ulong)draw.BasisPoints : null;
            if (drawn is null && !draw.Leaning)
            {
                _auditsPending++;
                continue;
            }
            var due = drawn == true || draw.Leaning;
            var reason = drawn switch { true => "audit", false => "lean", null => null };
            if (audited is { } audit)
            {
                if (!due)
                    Find(audit.Index, "audit round not drawn", $"contribution {id}: an audit round, but round {draw.Round}'s draw at {draw.BasisPoints} bp does not pick it and no reviewer's lean targets it");
                else if (audit.Round != draw.Round)
                    Find(audit.Index, "audit round", $"contribution {id}: audited in round {audit.Round}, its score was recorded in round {draw.Round}");
                else if (reason is not null && c.AuditReason != reason)
                    Find(audit.Index, "audit reason", $"contribution {id}: the audit round records reason {c.AuditReason}, the rule gives {reason}");
            }
            else if (due && c.Candidates.Except(c.FirstRound, StringComparer.OrdinalIgnoreCase)
                         .Any(v => !string.Equals(v, c.Contributor, StringComparison.OrdinalIgnoreCase)))
                Find(draw.Index, "missing audit round", draw.Leaning && drawn != true
                    ? $"contribution {id}: a first-round reviewer's lean toward or against its contributor (leanAuditPoints) targets it for an audit round, and none was recorded"
                    : $"contribution {id}: round {draw.Round}'s draw at {draw.BasisPoints} bp picks it for an audit round, and none was recorded");
        }
    }

    /// <summary>The audit draw's ticket, 0–9,999: SHA-256(secret ‖ SHA-256("audit" ‖ contribution id bytes)), first 8 bytes big-endian.</summary>
    internal static ulong AuditTicket(string secret, string contributionId)
    {
        var auditId = SHA256.HashData([.. "audit"u8, .. Hex.Decode(contributionId, 32)]);
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData([.. Hex.Decode(secret, 32), .. auditId])) % 10_000;
    }

    /// <summary>The audit round's appeal id: SHA-256("audit" ‖ contribution id bytes), 0x-hex.</summary>
    internal static string AuditId(string contributionId) => Hex.Encode(SHA256.HashData([.. "audit"u8, .. Hex.Decode(contributionId, 32)]));

    private Case CaseOf(string id) => _cases.TryGetValue(id, out var c) ? c : _cases[id] = new Case();

    private void File(LogEvent e)
    {
        _appeals++;
        var id = Text(e.Data, "contributionId");
        var appellant = Text(e.Data, "appellant");
        var reason = Text(e.Data, "reason");
        var appealId = Text(e.Data, "appealId");
        if (id is null || appellant is null || reason is null || appealId is null || Long(e.Data, "deadline") is not { } deadline || deadline < 0
            || !ulong.TryParse(Text(e.Data, "nonce"), NumberStyles.None, CultureInfo.InvariantCulture, out var nonce))
        {
            Find(e.Index, "malformed appeal", $"{e.Describe()}: needs appealId, contributionId, appellant, reason, nonce and deadline");
            return;
        }
        if (Text(e.Data, "appellantRole") == "audit")
        {
            FileAudit(e, id, appellant, appealId);
            return;
        }
        string? signer = null, digest = null;
        try
        {
            var payload = new AppealPayload(appellant, id, reason, nonce, (ulong)deadline);
            digest = Hex.Encode(TypedDataSigner.Digest(payload, domain));
            signer = TypedDataSigner.RecoverSigner(payload, domain, Text(e.Data, "signature"));
        }
        catch (ArgumentException)
        {
            // An address or id that cannot be encoded: nobody can have signed it.
        }
        if (!string.Equals(signer, appellant, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "appeal signature", $"contribution {id}: the appeal recovers to {signer ?? "no address"}, not the appellant {appellant} (EIP-712 Appeal, {domain})");
        if (!string.Equals(digest, appealId, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "appeal id", $"contribution {id}: the appeal id {appealId} is not the EIP-712 digest of the signed Appeal ({digest ?? "none"})");
        var c = CaseOf(id);
        if (c.Score is not { } score)
            Find(e.Index, "appeal before score", $"contribution {id} is appealed but no ContributionScored precedes it");
        else if (Int(e.Data, "appealedScore") != score.Score)
            Find(e.Index, "appealed score", $"contribution {id}: the appeal records score {Int(e.Data, "appealedScore")}, the contribution was scored {score.Score}");
        Standing(e, c, id, appellant);
        Record(e, c, id, appealId, appellant, Text(e.Data, "appellantRole") ?? "contributor");
    }

    /// <summary>
    /// An audit round: filed by quality-scoring, unsigned, for nobody (the zero address), with the id the rule gives, in the
    /// transaction of the score it audits. Whether the draw picked it is <see cref="CheckAudits"/>'s, once its round is revealed.
    /// </summary>
    private void FileAudit(LogEvent e, string id, string appellant, string appealId)
    {
        _audits++;
        if (!string.Equals(appealId, AuditId(id), StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "appeal id", $"contribution {id}: the audit round's id {appealId} is not SHA-256(\"audit\" ‖ contribution id), {AuditId(id)}");
        if (appellant != "0x0000000000000000000000000000000000000000")
            Find(e.Index, "appellant", $"contribution {id}: an audit round is nobody's appeal, yet it names {appellant}");
        var c = CaseOf(id);
        if (c.Score is not { } score)
            Find(e.Index, "appeal before score", $"contribution {id} is audited but no ContributionScored precedes it");
        else if (Int(e.Data, "appealedScore") != score.Score)
            Find(e.Index, "appealed score", $"contribution {id}: the audit records score {Int(e.Data, "appealedScore")}, the contribution was scored {score.Score}");
        Record(e, c, id, appealId, appellant, "audit");
        c.AuditReason ??= Text(e.Data, "reason");
    }

    private void Record(LogEvent e, Case c, string id, string appealId, string appellant, string role)
    {
        if (c.Appeal is { } earlier)
            Find(e.Index, "appealed twice", $"contribution {id} is appealed again (first at log index {earlier.Index})");
        else
            c.Appeal = (e.Index, appealId, _secrets.Count, appellant, role);
    }

    /// <summary>The appellant's standing in the role it appealed in; an appeal without a role is the contributor's.</summary>
    private void Standing(LogEvent e, Case c, string id, string appellant)
    {
        switch (Text(e.Data, "appellantRole") ?? "contributor")
        {
            case "contributor":
                if (c.Contributor is { } contributor && !string.Equals(contributor, appellant, StringComparison.OrdinalIgnoreCase))
                    Find(e.Index, "appellant", $"contribution {id}: appealed by {appellant} as its contributor, its contributor is {contributor}");
                break;
            case "reviewer":
                if (!c.FirstRound.Contains(appellant))
                    Find(e.Index, "appellant", $"contribution {id}: appealed by {appellant} as a reviewer, but it was never assigned to the first round");
                else if (!c.Revealed.Contains(appellant))
                    Find(e.Index, "appellant", $"contribution {id}: appealed by {appellant} as a reviewer, but it revealed no review in the first round");
                else if (_removed.TryGetValue(appellant, out var removedAt))
                    Find(e.Index, "appellant", $"contribution {id}: appealed by {appellant} as a reviewer, but it was removed at log index {removedAt}");
                break;
            case var other:
                Find(e.Index, "appellant", $"contribution {id}: appellant role {other}, neither contributor nor reviewer");
                break;
        }
    }

    private void Assign(LogEvent e)
    {
        var id = Text(e.Data, "contributionId");
        var candidates = Array(e.Data, "candidates")?.Select(c => (Validator: Text(c, "validator"), Reputation: Decimal(c, "reputation"))).ToList();
        var reviewers = Array(e.Data, "reviewers")?.Select(r => (Validator: Text(r, "validator"), Reputation: Decimal(r, "reputation"))).ToList();
        if (id is null || Text(e.Data, "appealId") is not { } appealId || Long(e.Data, "seedRound") is not { } round || Int(e.Data, "quorum") is not { } quorum
            || candidates is null || reviewers is null || candidates.Concat(reviewers).Any(c => c.Validator is null || c.Reputation is null))
        {
            Find(e.Index, "malformed appeal panel", $"{e.Describe()}: needs contributionId, appealId, seedRound, quorum, candidates and reviewers");
            return;
        }
        var c = CaseOf(id);
        if (c.Appeal is not { } appeal || !string.Equals(appeal.AppealId, appealId, StringComparison.OrdinalIgnoreCase))
        {
            Find(e.Index, "appeal panel", $"contribution {id}: a panel for appeal {appealId}, which no AppealFiled before it records");
            return;
        }
        if (c.Panel is not null)
            Find(e.Index, "appeal panel", $"contribution {id}: a second panel for one appeal");
        if (round != appeal.Round)
            Find(e.Index, "appeal round", $"contribution {id}: the appeal was recorded in round {appeal.Round} (log index {appeal.Index}), its panel uses round {round}");
        if (quorum != reviewers.Count / 2 + 1)
            Find(e.Index, "appeal quorum", $"contribution {id}: quorum {quorum}, a majority of {reviewers.Count} reviewers is {reviewers.Count / 2 + 1}");
        foreach (var candidate in candidates.Where(x => c.FirstRound.Contains(x.Validator!) || string.Equals(x.Validator, c.Contributor, StringComparison.OrdinalIgnoreCase)
                     || (appeal.Role != "audit" && string.Equals(x.Validator, appeal.Appellant, StringComparison.OrdinalIgnoreCase))))
            Find(e.Index, "appeal candidate", $"contribution {id}: candidate {candidate.Validator} reviewed the first round, contributed or appealed");
        var panel = new Panel(e.Index, id, appealId, round, Text(e.Data, "seed"), quorum,
            [.. candidates.Select(x => (x.Validator!, x.Reputation!.Value))], [.. reviewers.Select(x => x.Validator!)],
            reviewers.ToDictionary(x => x.Validator!, x => x.Reputation!.Value, StringComparer.OrdinalIgnoreCase));
        c.Panel = panel;
        _panels.Add(panel);
    }

    private void Decide(LogEvent e)
    {
        _decided++;
        var id = Text(e.Data, "contributionId");
        if (id is null || !_cases.TryGetValue(id, out var c) || c.Panel is not { } panel || c.Score is not { } first)
        {
            Find(e.Index, "appeal decision", $"{e.Describe()}: no appeal panel precedes the decision");
            return;
        }
        if (c.Decided is { } earlier)
        {
            Find(e.Index, "appeal decided twice", $"contribution {id}: decided again (first at log index {earlier})");
            return;
        }
        c.Decided = e.Index;
        int expected;
        string outcome;
        int? consensus = null, clipDistance = null;
        var reviews = panel.Reviews;
        foreach (var stranger in reviews.Where(r => !panel.Reputations.ContainsKey(r.Validator)))
            Find(e.Index, "appeal review by unassigned", $"contribution {id}: {stranger.Validator} reviewed the appeal but was not on its panel");
        if (reviews.Count < panel.Quorum)
        {
            (expected, outcome) = (first.Score, "no-quorum");
        }
        else
        {
            var version = Text(e.Data, "policyVersion") ?? "";
            if (!_policies.TryGetValue(version, out var policy))
            {
                Find(e.Index, "appeal policy", $"contribution {id}: decided under policy {version}, which no ScoringPolicyPublished before it publishes");
                return;
            }
            var weighted = reviews.Select(r => (r.Score, Weight: panel.Reputations.GetValueOrDefault(r.Validator))).ToList();
            var median = ScoringRules.WeightedMedian(weighted);
            var verdict = ScoringRules.Verdict(reviews.Select(r => (r.Verdict, panel.Reputations.GetValueOrDefault(r.Validator), ScoringRules.Clipped(r.Score, median, policy.ClipDistance))));
            if (first.Automated is not { } automated)
            {
                Find(e.Index, "appeal decision", $"contribution {id}: the first score records no automated part to combine with");
                return;
            }
            expected = ScoringRules.Final(policy.AutomatedWeight, automated, median, verdict);
            (consensus, clipDistance) = (median, policy.ClipDistance);
            outcome = expected == first.Score ? "upheld" : "changed";
            if (Member(e.Data, "components") is { } components && Int(components, "consensusScore") != median)
                Find(e.Index, "appeal consensus", $"contribution {id}: records consensusScore {Int(components, "consensusScore")}, the panel's reviews recompute to {median}");
        }
        if (Int(e.Data, "finalScore") != expected)
            Find(e.Index, "appeal score", $"contribution {id}: the appeal records final score {Int(e.Data, "finalScore")}, the history recomputes to {expected}");
        if (Int(e.Data, "firstScore") != first.Score)
            Find(e.Index, "appeal first score", $"contribution {id}: the appeal records first score {Int(e.Data, "firstScore")}, the contribution was scored {first.Score}");
        if (Text(e.Data, "outcome") != outcome)
            Find(e.Index, "appeal outcome", $"contribution {id}: the appeal records outcome {Text(e.Data, "outcome")}, the history gives {outcome}");
        var withAgreement = Records(e, "firstRound") || Records(e, "reviews");
        if (withAgreement)
            _firstAgreementAt ??= e.Index;
        else if (_firstAgreementAt is { } since && outcome != "no-quorum")
            Find(e.Index, "appeal agreement missing", $"contribution {id}: the decision records no agreements, though decisions record them since log index {since}");
        CheckFirstRound(e, id, c.FirstReviews, consensus, clipDistance, withAgreement);
        if (consensus is { } decidedBy && clipDistance is { } clip)
            CheckPanelReviews(e, id, panel, decidedBy, clip, withAgreement);
    }

    private static bool Records(LogEvent e, string list) =>
        (Array(e.Data, list) ?? []).Any(r => Member(r, "agreement") is not null);

    /// <summary>
    /// The panel's reviews as the decision records them (AppealDecided.reviews, which the ledger pays the panel by): each
    /// revealed panel review once, at its reputation at the draw, with clipped and (from 1.15) agreement recomputed from
    /// the panel's consensus.
    /// </summary>
    private void CheckPanelReviews(LogEvent e, string id, Panel panel, int consensus, int clip, bool withAgreement)
    {
        var expected = panel.Reviews
            .Select(r => new FirstReview(r.Validator.ToLowerInvariant(), r.Score, r.Verdict, panel.Reputations.GetValueOrDefault(r.Validator),
                ScoringRules.Clipped(r.Score, consensus, clip), withAgreement ? ScoringRules.Agreement(r.Score, consensus, clip) : null))
            .OrderBy(r => r.Validator, StringComparer.Ordinal).ToList();
        var written = (Array(e.Data, "reviews") ?? []).Select(Reviewed).OrderBy(r => r.Validator, StringComparer.Ordinal).ToList();
        if (!written.SequenceEqual(expected))
            Find(e.Index, "appeal reviews", $"contribution {id}: the appeal records the panel's reviews as [{string.Join(", ", written)}], "
                + $"the history recomputes [{string.Join(", ", expected)}]");
    }

    /// <summary>
    /// The first round measured against the panel's consensus (AppealDecided.firstRound, which the ledger pays by): the first
    /// score's reviews with clipped recomputed from the consensus and the clipping distance, or as first recorded without a
    /// quorum. Absent in decisions recorded before the field: nothing to compare.
    /// </summary>
    private void CheckFirstRound(LogEvent e, string id, IReadOnlyList<FirstReview> recorded, int? consensus, int? clipDistance, bool withAgreement)
    {
        if (Array(e.Data, "firstRound") is not { } firstRound)
            return;
        var expected = consensus is { } median && clipDistance is { } clip
            ? recorded.Select(r => r with
            {
                Clipped = r.Score is { } score && ScoringRules.Clipped(score, median, clip),
                Agreement = withAgreement && r.Score is { } scored ? ScoringRules.Agreement(scored, median, clip) : null,
            }).ToList()
            : recorded;
        var written = firstRound.Select(Reviewed).ToList();
        if (!written.SequenceEqual(expected))
            Find(e.Index, "appeal first round", $"contribution {id}: the appeal records the first round as [{string.Join(", ", written)}], "
                + $"the history recomputes [{string.Join(", ", expected)}]");
    }

    private static FirstReview Reviewed(JsonElement review) => new(
        Text(review, "validator")?.ToLowerInvariant(), Int(review, "score"), Text(review, "verdict"), Decimal(review, "reputation"), Bool(review, "clipped") == true,
        Decimal(review, "agreement"));

    // The rule of ReviewersAssigned: ln(u) / reputation, u from the first 8 bytes of SHA-256(seed ‖ address).
    private static double Key(byte[] seed, string validator, decimal reputation)
    {
        var hash = SHA256.HashData([.. seed, .. Hex.Decode(validator, 20)]);
        var u = (BinaryPrimitives.ReadUInt64BigEndian(hash) + 0.5) / 18446744073709551616.0;
        return Math.Log(u) / (double)reputation;
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private sealed class Case
    {
        public string? Contributor { get; set; }
        public (long Index, int Score, int? Automated)? Score { get; set; }
        public HashSet<string> FirstRound { get; } = new(StringComparer.OrdinalIgnoreCase);
        public IReadOnlyList<FirstReview> FirstReviews { get; set; } = [];
        /// <summary>Who revealed a review in the first round: what gives a reviewer standing to appeal.</summary>
        public HashSet<string> Revealed { get; } = new(StringComparer.OrdinalIgnoreCase);
        public (long Index, string AppealId, long Round, string Appellant, string Role)? Appeal { get; set; }
        /// <summary>The reason its audit round records: <c>audit</c> for the draw, <c>lean</c> for a target.</summary>
        public string? AuditReason { get; set; }
        /// <summary>Validators the first round was drawn from: somebody outside it existed to audit the case.</summary>
        public HashSet<string> Candidates { get; } = new(StringComparer.OrdinalIgnoreCase);
        /// <summary>
        /// A consensus score under a policy that audits: its log index, the round it was recorded in, the share, and whether
        /// a reviewer's lean toward the contributor targets it.
        /// </summary>
        public (long Index, long Round, int BasisPoints, bool Leaning)? AuditDraw { get; set; }
        public Panel? Panel { get; set; }
        public long? Decided { get; set; }
    }

    private sealed record FirstReview(string? Validator, int? Score, string? Verdict, decimal? Reputation, bool Clipped, decimal? Agreement = null);

    private sealed record Panel(long Index, string ContributionId, string AppealId, long Round, string? Seed, int Quorum,
        IReadOnlyList<(string Validator, decimal Reputation)> Candidates, IReadOnlyList<string> Reviewers, Dictionary<string, decimal> Reputations)
    {
        public List<(string Validator, int Score, string Verdict)> Reviews { get; } = [];
    }
}

/// <summary>What recomputing the appeals found.</summary>
/// <param name="Appeals">AppealFiled events read.</param>
/// <param name="Recomputed">Panels whose reviewers the revealed seed and the candidates reproduce.</param>
/// <param name="Pending">Panels whose seed round is not revealed yet: nobody can recompute them until it is.</param>
/// <param name="Decided">AppealDecided events checked.</param>
/// <param name="Findings">Every difference, at the log index of the event it concerns.</param>
/// <param name="Audits">Audit rounds read (AppealFiled of role <c>audit</c>, counted in <paramref name="Appeals"/> too).</param>
/// <param name="AuditsPending">Consensus scores whose audit draw waits for their round's secret to be revealed.</param>
internal sealed record AppealReplayResult(int Appeals, int Recomputed, int Pending, int Decided, IReadOnlyList<ReplayDifference> Findings,
    int Audits = 0, int AuditsPending = 0) : IReplaySection
{
    /// <inheritdoc/>
    public void Print(AuditConsole console)
    {
        string I(int n) => n.ToString(CultureInfo.InvariantCulture);
        console.Table("appeals", ["appeals", "audit rounds", "panels recomputed", "pending round", "audit draws pending", "decided", "findings"],
            [[I(Appeals), I(Audits), I(Recomputed), I(Pending), I(AuditsPending), I(Decided), I(Findings.Count)]]);
        console.Findings("appeal findings", Findings);
    }
}
