using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using Marten;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// Writes quality-scoring histories the way the service records them (Marten, schema "history", stream
/// <c>scoring/{id}</c>): a policy, automated checks, assigned reviewers, reviews signed over EIP-712 with anvil's dev
/// keys, and the final score made by the service's own <see cref="ScoreDecision"/>.
/// </summary>
public sealed class ScoringHistory(string connectionString) : IAsyncDisposable
{
    public static SigningDomain Domain => TestChain.Domain;

    private readonly DocumentStore _store = WrittenHistory.Store(connectionString, events =>
    {
        events.AddEventType<ScoringPolicyPublished>();
        events.AddEventType<AutomatedChecksCompleted>();
        events.AddEventType<ReviewersAssigned>();
        events.AddEventType<ReviewSubmitted>();
        events.AddEventType<ContributionScored>();
        events.AddEventType<ContributionSubmitted>();
        events.AddEventType<AssignmentSeedCommitted>();
        events.AddEventType<AssignmentSeedRevealed>();
        events.AddEventType<ReviewCommitted>();
        events.AddEventType<GenesisValidatorsRecorded>();
        events.AddEventType<ValidatorAdmitted>();
        events.AddEventType<ValidatorRemoved>();
        events.AddEventType<ValidatorRegistered>();
        events.AddEventType<ReviewerReassigned>();
        events.AddEventType<PolicyActivated>();
        events.AddEventType<AppealFiled>();
        events.AddEventType<AppealReviewersAssigned>();
        events.AddEventType<AppealDecided>();
    });

    // The reviewed cases as the service holds them, for their appeals.
    private readonly Dictionary<string, (ScoringCase Case, Dictionary<string, decimal> Reputations)> _cases = new(StringComparer.Ordinal);

    private ulong _nonce;

    public static ScoringPolicyPublished Policy { get; } = new(
        "scoring-1", AutomatedWeight: 40, ReviewersPerContribution: 3, Quorum: 2, ReviewWindow: TimeSpan.FromHours(1),
        ClipDistance: 15, ReputationStart: 0.5m, ReputationFloor: 0.05m, ReputationRate: 0.2m, NearDuplicateThreshold: 0.8,
        ShingleLength: 5, MinHashFunctions: 128, LshBands: 32, MinTextLength: 40, Kinds: new Dictionary<string, KindRule>(),
        PublishedAt: DateTimeOffset.UtcNow);

    public async Task PublishPolicyAsync()
    {
        await using var session = _store.LightweightSession();
        session.Events.Append("scoring/policies", Policy);
        await session.SaveChangesAsync();
    }

    /// <summary>Checks, then (when there are reviewers) assignment and reviews, then the score the service decides.</summary>
    /// <param name="reviewers">Dev account index (1–9) and reputation of each assigned validator.</param>
    /// <param name="reviews">Dev account index, score and verdict of each review submitted.</param>
    /// <returns>The contribution id.</returns>
    public async Task<string> ScoreAsync(int automated, (int Account, decimal Reputation)[] reviewers,
        (int Account, int Score, string Verdict)[] reviews, string? duplicateOf = null)
    {
        var id = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var now = DateTimeOffset.UtcNow;
        var checks = new AutomatedChecksCompleted(id, AnvilNode.DevAddresses[0], "data", Hex.Encode(RandomNumberGenerator.GetBytes(32)),
            "ipfs://example", 120, 120, Policy.Version, duplicateOf, null, null, [], duplicateOf is null ? automated : 0, now);
        var stream = $"scoring/{id}";
        await AppendAsync(stream, checks);

        if (ScoreDecision.Immediate(checks, Policy, reviewers.Length, now) is { } immediate)
        {
            await AppendAsync(stream, immediate);
            return id;
        }

        var assigned = new ReviewersAssigned(id, reviewers.Select(r => new AssignedReviewer(AnvilNode.DevAddresses[r.Account], r.Reputation)).ToList(),
            reviewers.Length + 2, Math.Min(Policy.Quorum, reviewers.Length), now.AddHours(1), Policy.Version, now);
        await AppendAsync(stream, assigned);
        var @case = ScoringCase.Create(checks).Apply(assigned);
        foreach (var (account, score, verdict) in reviews)
        {
            var review = Sign(id, account, score, verdict);
            await AppendAsync(stream, review);
            @case = @case.Apply(review);
        }
        var reputations = assigned.Reviewers.ToDictionary(r => r.Validator, r => r.Reputation, StringComparer.OrdinalIgnoreCase);
        var scored = ScoreDecision.Finalise(@case, Policy, reputations, now).Scored;
        await AppendAsync(stream, scored);
        _cases[id] = (@case.Apply(scored), reputations);
        return id;
    }

    /// <summary>
    /// The contributor (dev account 0), or the first-round reviewer <paramref name="appellant"/> (a dev account that reviewed
    /// the case), appeals a reviewed score with a signed Appeal; the panel (dev accounts, reputations) reviews; the service's
    /// own <see cref="AppealDecision"/> decides. The panel's round is left unrevealed (pending).
    /// </summary>
    public async Task<AppealDecided> AppealAsync(string id, (int Account, decimal Reputation)[] panel, (int Account, int Score, string Verdict)[] reviews,
        int appellant = 0)
    {
        var (@case, reputations) = _cases[id];
        var now = DateTimeOffset.UtcNow;
        var stream = $"scoring/{id}";
        var appeal = new AppealPayload(AnvilNode.DevAddresses[appellant], id, "Underrated.", ++_nonce, (ulong)now.AddHours(1).ToUnixTimeSeconds());
        var appealId = Hex.Encode(TypedDataSigner.Digest(appeal, Domain));
        var filed = new AppealFiled(appealId, id, appeal.Appellant, appeal.Reason, appeal.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (long)appeal.Deadline, TypedDataSigner.Sign(appeal, Domain, AnvilNode.DevPrivateKeys[appellant]), @case.Scored!.Score, now,
            appellant == 0 ? null : AppealFiled.Reviewer);
        var drawn = panel.Select(p => new AssignedReviewer(AnvilNode.DevAddresses[p.Account], p.Reputation)).ToList();
        var assigned = new AppealReviewersAssigned(id, appealId, drawn, drawn.Count / 2 + 1, 0, "0x" + new string('d', 64), drawn,
            now.AddHours(1), now.AddHours(1), Policy.Version, now);
        await AppendAsync(stream, filed);
        await AppendAsync(stream, assigned);
        @case = @case.Apply(filed).Apply(assigned);
        // The panel commits, then reveals, as every round since commit-reveal does.
        var revealed = reviews.Select(r => (r.Account, Review: Sign(id, r.Account, r.Score, r.Verdict))).ToList();
        foreach (var (account, review) in revealed)
        {
            var commitment = ReviewCommitment.Compute((ushort)review.Score, review.Verdict, review.Salt!);
            var commit = new ReviewCommitPayload(review.Validator, id, commitment, ++_nonce, (ulong)now.AddHours(1).ToUnixTimeSeconds());
            var committed = new ReviewCommitted(id, review.Validator, commitment, commit.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (long)commit.Deadline, TypedDataSigner.Sign(commit, Domain, AnvilNode.DevPrivateKeys[account]), now);
            await AppendAsync(stream, committed);
            @case = @case.Apply(committed);
        }
        foreach (var (_, review) in revealed)
        {
            await AppendAsync(stream, review);
            @case = @case.Apply(review);
        }
        foreach (var reviewer in drawn)
            reputations[reviewer.Validator] = reviewer.Reputation;
        var (decided, _) = AppealDecision.Decide(@case, Policy, reputations, now);
        await AppendAsync(stream, decided);
        return decided;
    }

    public ReviewSubmitted Sign(string id, int account, int score, string verdict)
    {
        var nonce = ++_nonce;
        var deadline = (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var validator = AnvilNode.DevAddresses[account];
        var salt = Hex.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var signature = TypedDataSigner.Sign(new ReviewPayload(validator, id, (ushort)score, verdict, salt, nonce, deadline), Domain, AnvilNode.DevPrivateKeys[account]);
        return new ReviewSubmitted(id, validator, score, verdict, nonce.ToString(System.Globalization.CultureInfo.InvariantCulture), (long)deadline, signature,
            DateTimeOffset.UtcNow, salt);
    }

    public async Task AppendAsync(string stream, object @event)
    {
        await using var session = _store.LightweightSession();
        session.Events.Append(stream, @event);
        await session.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
