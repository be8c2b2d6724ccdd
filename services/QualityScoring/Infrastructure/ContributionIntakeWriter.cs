using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.Messaging;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Takes a submitted contribution into scoring exactly once: automated checks, then reviewers or an immediate score.
/// One transaction records the history events (stream <c>scoring/{contributionId}</c>, which the store refuses to start
/// twice), the case, the assignments and the near-duplicate index rows, under locks on the content hash and the text's
/// LSH bands: of two concurrent copies, exactly one is the original and the other names it.
/// </summary>
public sealed class ContributionIntakeWriter(
    IDocumentStore store, ScoringPolicyBook policies, IOptions<ScoringOptions> options, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + contributionId;

    /// <summary>Returns the case as recorded now, or null when the contribution was taken in before (a redelivery).</summary>
    /// <param name="sequence">The history sequence of the <see cref="ContributionSubmitted"/> event: it fixes the contribution's assignment round.</param>
    public async Task<ScoringCase?> TakeInAsync(ContributionSubmitted submitted, long sequence, CancellationToken ct)
    {
        // A malformed id is a poison message: it throws and ends in the error queue, recording nothing.
        var id = Formats.Hex.Encode(Formats.Hex.Decode(submitted.ContributionId, 32));
        var policy = policies.Current;
        var minHash = new MinHash(policy.ShingleLength, policy.MinHashFunctions, policy.LshBands);
        var text = AutomatedChecks.ComparableText(submitted, policy);
        var signature = text is null ? null : minHash.Signature(text);
        var bands = signature is null ? [] : minHash.BandKeys(signature);
        var contentHash = submitted.ContentHash.ToLowerInvariant();
        try
        {
            // With a cap on reviews per epoch, the epoch of this assignment and the draws serial (see ScoringLocks.Workload).
            var cap = options.Value.MaxReviewsPerValidatorPerEpoch;
            long? epoch = cap > 0 ? epochs.Value.EpochAt(clock.GetUtcNow()) : null;
            // With the lean rule on, the contributor's tallies as the closes recorded so far left them (see ScoringLocks.Lean).
            var excludeAt = policy.LeanExclusionPoints ?? LeanExclusion.None;
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            // Everything the decision reads, in one round trip after the locks. No read before the transaction: a
            // redelivery is rare and is found out under the case lock all the same.
            // The seeds lock, shared, keeps a round from ending between reading the contribution's round and committing.
            var read = new LockedRead(session).Lock([
                TransactionLock.Exclusive(ScoringLocks.Case(id)), TransactionLock.Exclusive(ScoringLocks.Content(contentHash)),
                .. bands.Select(b => TransactionLock.Exclusive(ScoringLocks.Band(b))), TransactionLock.Shared(ScoringLocks.Seeds),
                .. (excludeAt > 0 ? [TransactionLock.Shared(ScoringLocks.Lean(submitted.Contributor))] : Array.Empty<TransactionLock>()),
                .. (epoch is null ? Array.Empty<TransactionLock>() : [TransactionLock.Exclusive(ScoringLocks.Workload)])]);
            var takenIn = read.Exists<ScoringCase>(id);
            var erased = read.Exists<ErasedContent>(id);
            var firstSeen = read.Load<ContentFirstSeen>(contentHash);
            var nearestFound = signature is null
                ? Task.FromResult<(string ContributionId, double Similarity)?>(null)
                : read.Query(NearDuplicateIndex.FindCommand(id, bands), (reader, ct) => NearDuplicateIndex.ReadNearestAsync(reader, signature, ct));
            var registered = read.Query(SelectableValidators.Command(read, epoch), SelectableValidators.ReadAsync);
            var seedRound = read.Query(SeedBook.RoundOfCommand(read, sequence), SeedBook.ReadRoundAsync);
            var leans = excludeAt > 0 ? read.LoadWhere<ReviewerLean>("contributor", submitted.Contributor.ToLowerInvariant())
                : Task.FromResult<IReadOnlyList<ReviewerLean>>([]);
            await read.ExecuteAsync(ct);
            if (await takenIn)
                return null;

            var first = await firstSeen;
            var duplicateOf = first is not null && first.ContributionId != id ? first.ContributionId : null;
            if (first is null)
                session.Insert(new ContentFirstSeen(contentHash, id));

            AutomatedChecks.NearestText? nearest = await nearestFound is { } found ? new(found.ContributionId, found.Similarity) : null;
            var validators = await registered;

            var now = clock.GetUtcNow();
            var checks = AutomatedChecks.Run(submitted with { ContributionId = id }, policy, duplicateOf, nearest, now);
            // Only originals are indexed, so a later near duplicate names the original, not another copy; never a text
            // its contributor has already erased (ErasureFollower removes the rows of one erased later).
            if (signature is not null && checks.DuplicateOf is null && checks.NearDuplicateOf is null && !await erased)
                NearDuplicateIndex.Add(session, id, bands, signature);

            var @case = ScoringCase.Create(checks);
            List<object> events = [checks];
            // A validator that favours this contributor is no candidate (LeanExclusion); the others are drawn as ever.
            var candidates = ReviewerSelection.Candidates(checks.Contributor, LeanExclusion.Drawable(validators, LeanExclusion.Excluded(await leans, excludeAt)),
                policy.ReviewersPerContribution, now - options.Value.LivenessWindow, cap);
            // Drawn from a seed the contributor could not know when signing: the secret of the round its contribution
            // was recorded in, committed before that round began and revealed only after it ended.
            var (round, secret) = await seedRound;
            // Only before the beacon's very first round: retried until it is committed, never parked.
            if (secret is null)
                throw new NotReadyException($"assignment round {round} is not committed yet; the seed beacon has not started");
            var seed = AssignmentSeed.For(secret, id);
            var reviewers = ReviewerSelection.Select(seed, candidates, policy.ReviewersPerContribution);

            if (ScoreDecision.Immediate(checks, policy, reviewers.Count, now) is { } scored)
            {
                @case = @case.Apply(scored);
                events.Add(scored);
            }
            else
            {
                var eligible = validators.Count(v => !string.Equals(v.Address, checks.Contributor, StringComparison.OrdinalIgnoreCase));
                var assigned = new ReviewersAssigned(id, reviewers, eligible, Math.Min(policy.Quorum, reviewers.Count),
                    now + policy.ReviewWindow, policy.Version, now, round, Formats.Hex.Encode(seed), candidates, now + options.Value.CommitWindow);
                @case = @case.Apply(assigned);
                events.Add(assigned);
                foreach (var reviewer in reviewers)
                    session.Store(new Assignment(Assignment.IdFor(id, reviewer.Validator), reviewer.Validator, id, assigned.WindowClosesAt, true, assigned.CommitClosesAt));
                if (epoch is { } counted)
                    ReviewLoads.Count(session, counted, reviewers.Select(r => r.Validator), validators);
            }

            session.Events.StartStream(StreamFor(id), events);
            session.Store(@case);
            await session.SaveChangesAsync(ct);
            return @case;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // taken in by a concurrent delivery
        }
    }
}
