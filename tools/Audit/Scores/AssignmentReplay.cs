using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using static CommunityAI.Audit.Scores.EventData;

namespace CommunityAI.Audit.Scores;

/// <summary>
/// Recomputes every seeded assignment and checks every sealed review, from the history alone: each round's revealed
/// secret against its earlier commitment; each contribution's round (the reveals before its ContributionSubmitted);
/// its seed, SHA-256(secret ‖ id); its reviewers, drawn from the recorded candidates by the published rule; each
/// ReviewCommit's signature, that its validator was assigned and committed in time; and that each reveal opens its
/// commitment. Assignments recorded before seed rounds are only counted. With admission in force (<see cref="AdmissionReplay"/>)
/// every candidate must be admitted, and each replacement of a reviewer (ReviewerReassigned) is drawn again from the case's
/// seed and its recorded candidates. Pure: fed one event at a time, in log order.
/// </summary>
internal sealed class AssignmentReplay(SigningDomain domain) : IReplay
{
    public string Name => "assignments";

    IReplaySection IReplay.Finish() => Finish();

    private readonly Dictionary<long, (long Index, string Commitment)> _committed = [];
    private readonly Dictionary<long, (long Index, string Secret)> _revealed = [];
    private readonly Dictionary<string, (long Index, long Round)> _submitted = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Seeded> _assignments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, string), string> _commitments = [];
    private readonly List<ReplayDifference> _findings = [];
    // First rounds whose case went on to an appeal's panel: still recomputed, as first rounds.
    private readonly List<Seeded> _appealed = [];
    private readonly AdmissionReplay _admission = new();
    // The lean rule (leanExclusionPoints): each policy's points, each reviewer's tallies, each contribution's contributor.
    private readonly Dictionary<string, (bool Counts, int ExclusionPoints)> _policies = new(StringComparer.Ordinal);
    private readonly LeanTallies _leans = new();
    private readonly Dictionary<string, string> _contributors = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _scored = new(StringComparer.OrdinalIgnoreCase);
    private int _assigned, _recomputed, _unseeded, _commits, _reveals, _reassigned, _leanChecked;

    public void Add(LogEvent e)
    {
        _admission.Add(e);
        switch (EventData.Normalize(e.Type))
        {
            case "reviewerreassigned":
                Reassign(e);
                break;
            case "contributionsubmitted":
                if (Text(e.Data, "contributionId") is { } submitted)
                {
                    _submitted.TryAdd(submitted, (e.Index, _revealed.Count));
                    if (Text(e.Data, "contributor") is { } contributor)
                        _contributors.TryAdd(submitted, contributor);
                }
                break;
            case "scoringpolicypublished":
                if (Text(e.Data, "version") is { } version)
                    _policies.TryAdd(version, ((Int(e.Data, "leanAuditPoints") ?? 0) > 0 || (Int(e.Data, "leanExclusionPoints") ?? 0) > 0,
                        Int(e.Data, "leanExclusionPoints") ?? 0));
                break;
            case "contributionscored":
                // A first round's consensus score adds its kept reviews to the leans, under a policy that keeps them.
                if (Text(e.Data, "contributionId") is { } scored && _scored.Add(scored) && Text(e.Data, "fallback") is null
                    && _policies.TryGetValue(Text(e.Data, "policyVersion") ?? "", out var scoredUnder) && scoredUnder.Counts)
                    _leans.Add(e.Data, Text(e.Data, "contributor"), 0);
                break;
            case "assignmentseedcommitted":
                if (Long(e.Data, "round") is { } round && Text(e.Data, "commitment") is { } commitment)
                {
                    if (!_committed.TryAdd(round, (e.Index, commitment)))
                        Find(e.Index, "seed committed twice", $"round {round} is committed again (first at log index {_committed[round].Index})");
                }
                else
                    Find(e.Index, "malformed seed", $"{e.Describe()}: needs round and commitment");
                break;
            case "assignmentseedrevealed":
                Reveal(e);
                break;
            case "reviewersassigned":
                Assign(e);
                break;
            case "appealreviewersassigned":
                AppealPanel(e);
                break;
            case "reviewcommitted":
                Commit(e);
                break;
            case "reviewsubmitted":
                Open(e);
                break;
        }
    }

    public AssignmentReplayResult Finish()
    {
        // Rounds not revealed yet: their assignments cannot be recomputed by anyone, and are counted as pending.
        _admission.Finish();
        // Appeal panels are drawn from another seed: AppealReplay recomputes them.
        var first = _assignments.Values.Concat(_appealed).Where(a => !a.Appeal).ToList();
        var pending = first.Count(a => !_revealed.ContainsKey(a.Round));
        foreach (var a in first.Where(a => _revealed.ContainsKey(a.Round)))
            Recompute(a);
        return new(_assigned, _recomputed, _unseeded, pending, _revealed.Count, _commits, _reveals, [.. _findings, .. _admission.Findings])
        {
            Reassigned = _reassigned, LeanChecked = _leanChecked, Admitted = _admission.Admitted, Admissions = _admission.Admissions, Removals = _admission.Removals,
            PendingActivations = _admission.Pending,
        };
    }

    private void Reveal(LogEvent e)
    {
        if (Long(e.Data, "round") is not { } round || Text(e.Data, "secret") is not { } secret || !Hex.TryDecode(secret, out var bytes, 32))
        {
            Find(e.Index, "malformed seed", $"{e.Describe()}: needs round and a 32-byte secret");
            return;
        }
        if (round != _revealed.Count)
            Find(e.Index, "seed order", $"round {round} is revealed as the {_revealed.Count}th reveal; rounds end in order");
        if (!_committed.TryGetValue(round, out var committed))
            Find(e.Index, "seed not committed", $"round {round} is revealed but was never committed");
        else if (!string.Equals(committed.Commitment, Hex.Encode(SHA256.HashData(bytes)), StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "seed commitment", $"round {round}: SHA-256 of the revealed secret is not the commitment at log index {committed.Index}");
        _revealed.TryAdd(round, (e.Index, secret));
    }

    private void Assign(LogEvent e)
    {
        _assigned++;
        var id = Text(e.Data, "contributionId");
        if (id is null)
            return; // the score replay reports a malformed assignment
        if (Long(e.Data, "seedRound") is not { } round)
        {
            _unseeded++;
            return;
        }
        var candidates = Array(e.Data, "candidates")?.Select(c => (Validator: Text(c, "validator"), Reputation: Decimal(c, "reputation"))).ToList();
        var reviewers = Array(e.Data, "reviewers")?.Select(r => Text(r, "validator")).ToList();
        if (candidates is null || reviewers is null || candidates.Any(c => c.Validator is null || c.Reputation is null) || reviewers.Contains(null))
        {
            Find(e.Index, "malformed assignment", $"contribution {id}: a seeded assignment needs candidates and reviewers with validator and reputation");
            return;
        }
        if (!_submitted.TryGetValue(id, out var submitted))
            Find(e.Index, "assignment round", $"contribution {id} is assigned but no ContributionSubmitted precedes it");
        else
        {
            if (submitted.Round != round)
                Find(e.Index, "assignment round", $"contribution {id} was recorded in round {submitted.Round} (log index {submitted.Index}), its assignment uses round {round}");
            // Contributions recorded before quality-scoring's very first start fall in round 0, committed at that start:
            // accepted as such (nobody held a secret when they were signed), any later round must precede its contributions.
            if ((!_committed.TryGetValue(round, out var committed) || committed.Index > submitted.Index) && round > 0)
                Find(e.Index, "seed committed late", $"contribution {id}: round {round} was not committed before the contribution was recorded");
        }
        foreach (var candidate in candidates.Where(c => !_admission.IsAdmitted(c.Validator!)))
            Find(e.Index, "candidate not admitted", $"contribution {id}: candidate {candidate.Validator} was not an admitted validator");
        var policyVersion = Text(e.Data, "policyVersion");
        CheckLeans(e.Index, id, policyVersion, candidates.Select(c => c.Validator!));
        _assignments[id] = new Seeded(e.Index, id, round, Text(e.Data, "seed"), candidates.Select(c => (c.Validator!, c.Reputation!.Value)).ToList(),
            reviewers.Select(r => r!).ToList(), Text(e.Data, "commitClosesAt"))
        {
            PolicyVersion = policyVersion,
            Current = reviewers.Select(r => r!).ToList(),
            Ever = reviewers.Select(r => r!).ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// An appeal's second round: from now on its panel is the case's assignment for commitments, reveals and replacements
    /// (drawn from the panel's own seed); the draw itself is <see cref="AppealReplay"/>'s to recompute.
    /// </summary>
    private void AppealPanel(LogEvent e)
    {
        var reviewers = Array(e.Data, "reviewers")?.Select(r => Text(r, "validator")).ToList();
        if (Text(e.Data, "contributionId") is not { } id || reviewers is null || reviewers.Contains(null) || Long(e.Data, "seedRound") is not { } round)
            return; // AppealReplay reports a malformed panel
        if (_assignments.TryGetValue(id, out var first))
            _appealed.Add(first);
        _assignments[id] = new Seeded(e.Index, id, round, Text(e.Data, "seed"), [], reviewers.Select(r => r!).ToList(), Text(e.Data, "commitClosesAt"))
        {
            Current = reviewers.Select(r => r!).ToList(),
            Ever = (first?.Ever ?? []).Concat(reviewers.Select(r => r!)).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Appeal = true,
        };
    }

    private void Recompute(Seeded a)
    {
        var secret = _revealed[a.Round].Secret;
        var seed = SHA256.HashData([.. Hex.Decode(secret, 32), .. Hex.Decode(a.ContributionId, 32)]);
        if (!string.Equals(a.Seed, Hex.Encode(seed), StringComparison.OrdinalIgnoreCase))
            Find(a.Index, "assignment seed", $"contribution {a.ContributionId} records seed {a.Seed ?? "(none)"}, round {a.Round}'s secret gives {Hex.Encode(seed)}");
        var chosen = a.Candidates
            .Select(c => (c.Validator, Key: Key(seed, c.Validator, c.Reputation)))
            .OrderByDescending(x => x.Key).ThenBy(x => x.Validator, StringComparer.OrdinalIgnoreCase)
            .Take(a.Reviewers.Count).Select(x => x.Validator).ToList();
        if (!chosen.SequenceEqual(a.Reviewers, StringComparer.OrdinalIgnoreCase))
            Find(a.Index, "assignment", $"contribution {a.ContributionId} assigns [{string.Join(", ", a.Reviewers)}], the seed and candidates give [{string.Join(", ", chosen)}]");
        else
            _recomputed++;
    }

    // The rule of ReviewersAssigned: ln(u) / reputation, u from the first 8 bytes of SHA-256(seed ‖ address).
    private static double Key(byte[] seed, string validator, decimal reputation)
    {
        var hash = SHA256.HashData([.. seed, .. Hex.Decode(validator, 20)]);
        var u = (BinaryPrimitives.ReadUInt64BigEndian(hash) + 0.5) / 18446744073709551616.0;
        return Math.Log(u) / (double)reputation;
    }

    private void Commit(LogEvent e)
    {
        _commits++;
        if (Text(e.Data, "contributionId") is not { } id || Text(e.Data, "validator") is not { } validator || Text(e.Data, "commitment") is not { } commitment
            || !ulong.TryParse(Text(e.Data, "nonce"), NumberStyles.None, CultureInfo.InvariantCulture, out var nonce) || Long(e.Data, "deadline") is not { } deadline || deadline < 0)
        {
            Find(e.Index, "malformed commitment", $"{e.Describe()}: needs contributionId, validator, commitment, nonce and deadline");
            return;
        }
        string? signer;
        try
        {
            signer = TypedDataSigner.RecoverSigner(new ReviewCommitPayload(validator, id, commitment, nonce, (ulong)deadline), domain, Text(e.Data, "signature"));
        }
        catch (ArgumentException)
        {
            signer = null;
        }
        if (!string.Equals(signer, validator, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "commitment signature", $"contribution {id}: the commitment of {validator} recovers to {signer ?? "no address"} (EIP-712 ReviewCommit, {domain})");
        if (_assignments.TryGetValue(id, out var a))
        {
            if (!a.Current.Contains(validator, StringComparer.OrdinalIgnoreCase))
                Find(e.Index, "commitment by unassigned", $"contribution {id}: {validator} committed but was not assigned");
            if (a.CommitClosesAt is { } closes && Text(e.Data, "committedAt") is { } at
                && DateTimeOffset.Parse(at, CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(closes, CultureInfo.InvariantCulture))
                Find(e.Index, "commitment late", $"contribution {id}: {validator} committed at {at}, the commit window closed at {closes}");
        }
        if (!_commitments.TryAdd((id.ToLowerInvariant(), validator.ToLowerInvariant()), commitment))
            Find(e.Index, "committed twice", $"contribution {id}: {validator} has more than one commitment");
    }

    private void Open(LogEvent e)
    {
        if (Text(e.Data, "contributionId") is not { } id || Text(e.Data, "validator") is not { } validator)
            return; // the score replay reports a malformed review
        // Reviews of cases assigned before commit-reveal have no commitment to open.
        if (!_assignments.TryGetValue(id, out var a) || a.CommitClosesAt is null)
            return;
        _reveals++;
        if (!_commitments.TryGetValue((id.ToLowerInvariant(), validator.ToLowerInvariant()), out var commitment))
        {
            Find(e.Index, "reveal without commitment", $"contribution {id}: {validator}'s review opens no commitment recorded before it");
            return;
        }
        var score = Int(e.Data, "score");
        var verdict = Text(e.Data, "verdict");
        var salt = Text(e.Data, "salt");
        string? opened = null;
        if (score is >= 0 and <= ushort.MaxValue && verdict is not null && salt is not null)
        {
            try
            {
                opened = ReviewCommitment.Compute((ushort)score.Value, verdict, salt);
            }
            catch (ArgumentException)
            {
                opened = null;
            }
        }
        if (!string.Equals(opened, commitment, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "reveal mismatch", $"contribution {id}: {validator}'s review does not open its commitment {commitment}");
    }

    /// <summary>
    /// A replacement (rule of ReviewerReassigned): the replaced validator was assigned, an absent one had not committed, a
    /// removed one had been removed (so an operator cannot swap out a committed reviewer by calling it removed), every
    /// candidate is admitted and new to the case, and the replacement is the candidate with the highest key under
    /// the case's seed. From then on the replacement is the one assigned, until the new commit deadline.
    /// </summary>
    private void Reassign(LogEvent e)
    {
        _reassigned++;
        var replacement = Member(e.Data, "replacement") is { } r ? Text(r, "validator") : null;
        var candidates = Array(e.Data, "candidates")?.Select(c => (Validator: Text(c, "validator"), Reputation: Decimal(c, "reputation"))).ToList();
        if (Text(e.Data, "contributionId") is not { } id || Text(e.Data, "replaced") is not { } replaced || replacement is null
            || candidates is null || candidates.Any(c => c.Validator is null || c.Reputation is null))
        {
            Find(e.Index, "malformed reassignment", $"{e.Describe()}: needs contributionId, replaced, replacement and candidates");
            return;
        }
        if (!_assignments.TryGetValue(id, out var a) || a.Seed is null)
        {
            Find(e.Index, "reassignment", $"contribution {id}: no seeded assignment precedes the reassignment");
            return;
        }
        var at = a.Current.FindIndex(v => string.Equals(v, replaced, StringComparison.OrdinalIgnoreCase));
        if (at < 0)
            Find(e.Index, "reassignment", $"contribution {id}: {replaced} is replaced but was not assigned");
        if (Text(e.Data, "reason") == "absent" && _commitments.ContainsKey((id.ToLowerInvariant(), replaced.ToLowerInvariant())))
            Find(e.Index, "reassignment", $"contribution {id}: {replaced} is replaced as absent but had committed");
        if (Text(e.Data, "reason") == "removed" && _admission.IsAdmitted(replaced))
            Find(e.Index, "reassignment", $"contribution {id}: {replaced} is replaced as removed but no removal of it precedes the replacement");
        foreach (var candidate in candidates.Where(c => !_admission.IsAdmitted(c.Validator!) || a.Ever.Contains(c.Validator!)))
            Find(e.Index, "reassignment candidate", $"contribution {id}: candidate {candidate.Validator} was not admitted or was assigned to the case before");
        if (!a.Appeal)
            CheckLeans(e.Index, id, a.PolicyVersion, candidates.Select(c => c.Validator!));
        var seed = Hex.Decode(a.Seed, 32);
        var drawn = candidates.Select(c => (c.Validator, Key: Key(seed, c.Validator!, c.Reputation!.Value)))
            .OrderByDescending(x => x.Key).ThenBy(x => x.Validator, StringComparer.OrdinalIgnoreCase).Select(x => x.Validator).FirstOrDefault();
        if (!string.Equals(drawn, replacement, StringComparison.OrdinalIgnoreCase))
            Find(e.Index, "reassignment", $"contribution {id}: {replacement} replaces {replaced}, the seed and candidates give {drawn ?? "nobody"}");
        if (at >= 0)
            a.Current[at] = replacement;
        a.Ever.Add(replacement);
        a.CommitClosesAt = Text(e.Data, "commitClosesAt") ?? a.CommitClosesAt;
    }

    /// <summary>
    /// The lean rule of a first round's draw (policy <c>leanExclusionPoints</c>): no candidate favours the contributor, by the
    /// tallies of the scores recorded before the draw. Who else was left out (liveness, the cap) is not the history's to say.
    /// </summary>
    private void CheckLeans(long index, string id, string? policyVersion, IEnumerable<string> candidates)
    {
        if (policyVersion is null || !_policies.TryGetValue(policyVersion, out var policy) || policy.ExclusionPoints <= 0
            || !_contributors.TryGetValue(id, out var contributor))
            return;
        _leanChecked++;
        foreach (var candidate in candidates.Where(c => _leans.Favours(c, contributor, policy.ExclusionPoints)))
        {
            var (cases, points) = _leans.Of(candidate, contributor);
            Find(index, "leaning candidate", $"contribution {id}: candidate {candidate} favours its contributor {contributor} ({points} points over {cases} reviews, leanExclusionPoints {policy.ExclusionPoints}) and may not be drawn for it");
        }
    }

    private void Find(long index, string what, string detail) => _findings.Add(new ReplayDifference(index, what, detail));

    private sealed record Seeded(long Index, string ContributionId, long Round, string? Seed, IReadOnlyList<(string Validator, decimal Reputation)> Candidates,
        IReadOnlyList<string> Reviewers, string? CommitClosesAt)
    {
        /// <summary>The reviewers as they stand after replacements.</summary>
        public required List<string> Current { get; init; }
        /// <summary>Every validator ever assigned to the case.</summary>
        public required HashSet<string> Ever { get; init; }
        /// <summary>An appeal's panel (drawn from the appeal's seed, recomputed by AppealReplay).</summary>
        public bool Appeal { get; init; }
        /// <summary>The scoring policy the first round was assigned under (its lean rule applies to replacements too).</summary>
        public string? PolicyVersion { get; init; }
        /// <summary>The commit deadline now (moved by replacements).</summary>
        public string? CommitClosesAt { get; set; } = CommitClosesAt;
    }
}
