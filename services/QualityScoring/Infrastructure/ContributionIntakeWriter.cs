using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;

namespace CommunityAI.QualityScoring.Infrastructure;

/// <summary>
/// Takes a submitted contribution into scoring exactly once: automated checks, then reviewers or an immediate score.
/// One transaction records the history events (stream <c>scoring/{contributionId}</c>, which the store refuses to start
/// twice), the case, the assignments and the near-duplicate index rows, under locks on the content hash and the text's
/// LSH bands: of two concurrent copies, exactly one is the original and the other names it.
/// </summary>
public sealed class ContributionIntakeWriter(IDocumentStore store, PolicyBook policies, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + contributionId;

    /// <summary>Returns the case as recorded now, or null when the contribution was taken in before (a redelivery).</summary>
    public async Task<ScoringCase?> TakeInAsync(ContributionSubmitted submitted, CancellationToken ct)
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
            await using var session = store.LightweightSession();
            if (await session.LoadAsync<ScoringCase>(id, ct) is not null)
                return null;
            await session.BeginTransactionAsync(ct);
            var connection = session.Connection!;
            await ScoringLocks.TakeAsync(connection, [ScoringLocks.Case(id), ScoringLocks.Content(contentHash), .. bands.Select(ScoringLocks.Band)], ct);
            if (await session.LoadAsync<ScoringCase>(id, ct) is not null)
                return null;

            var first = await session.LoadAsync<ContentFirstSeen>(contentHash, ct);
            var duplicateOf = first is not null && first.ContributionId != id ? first.ContributionId : null;
            if (first is null)
                session.Insert(new ContentFirstSeen(contentHash, id));

            AutomatedChecks.NearestText? nearest = null;
            if (signature is not null && await NearDuplicateIndex.FindNearestAsync(connection, id, bands, signature, ct) is { } found)
                nearest = new(found.ContributionId, found.Similarity);

            var now = clock.GetUtcNow();
            var checks = AutomatedChecks.Run(submitted with { ContributionId = id }, policy, duplicateOf, nearest, now);
            // Only originals are indexed, so a later near duplicate names the original, not another copy.
            if (signature is not null && checks.DuplicateOf is null && checks.NearDuplicateOf is null)
                await NearDuplicateIndex.AddAsync(connection, id, bands, signature, ct);

            var @case = ScoringCase.Create(checks);
            List<object> events = [checks];
            var validators = await session.Query<ValidatorView>().ToListAsync(ct);
            var reviewers = ReviewerSelection.Select(id, checks.Contributor,
                validators.Select(v => new AssignedReviewer(v.Id, v.Reputation)), policy.ReviewersPerContribution);

            if (ScoreDecision.Immediate(checks, policy, reviewers.Count, now) is { } scored)
            {
                @case = @case.Apply(scored);
                events.Add(scored);
            }
            else
            {
                var eligible = validators.Count(v => !string.Equals(v.Id, checks.Contributor, StringComparison.OrdinalIgnoreCase));
                var assigned = new ReviewersAssigned(id, reviewers, eligible, Math.Min(policy.Quorum, reviewers.Count),
                    now + policy.ReviewWindow, policy.Version, now);
                @case = @case.Apply(assigned);
                events.Add(assigned);
                foreach (var reviewer in reviewers)
                    session.Store(new Assignment(Assignment.IdFor(id, reviewer.Validator), reviewer.Validator, id, assigned.WindowClosesAt, true));
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
