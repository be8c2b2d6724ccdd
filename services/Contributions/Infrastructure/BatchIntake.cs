using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats.Signing;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Bulk intake, shared by <c>POST /api/contributions/batch</c> and the partners' <c>SubmitContributions</c>: every item
/// passes the single submission's checks (<see cref="ContributionIntake.Decide"/>, the signer's allowance, the nonce),
/// and the accepted ones are stored in one transaction (<see cref="ContributionAppender.AppendManyAsync"/>). Each item
/// is answered on its own, in order.
/// </summary>
public sealed class BatchIntake(
    ContributionAppender appender, ContributorAllowance allowance, IOptions<IntakeOptions> options, SignedRequestCheck check,
    LicencesInForce licences)
{
    public IntakeOptions Options => options.Value;

    /// <summary>
    /// The single submission's check of one item, under the licences in force when the batch arrived (one read for the
    /// whole batch); a JSON null in place of an item is malformed.
    /// </summary>
    public async Task<Func<SubmitContributionRequest?, IntakeDecision>> DeciderAsync(CancellationToken ct)
    {
        var allowed = (await licences.CurrentAsync(ct)).Licences;
        return request => request is null
            ? new IntakeDecision.Invalid(new Dictionary<string, string[]> { ["body"] = ["must be a signed contribution (a JSON object)"] })
            : ContributionIntake.Decide(request, options.Value, allowed, check);
    }

    /// <param name="count">How many items the batch holds.</param>
    /// <param name="decide">The check of item i (the caller's mapping from its wire shape, then the function <see cref="DeciderAsync"/> gave).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>Per item, in order, what became of it. Throws when the transaction fails: then nothing of the batch is stored.</returns>
    public async Task<BatchItemOutcome[]> SubmitAsync(int count, Func<int, IntakeDecision> decide, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decide);
        // Recovering the signers is most of the checks' cost and each item is independent: use every core, as the
        // audit's replay does (a batch is the one request that can).
        var decisions = new IntakeDecision[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            i => decisions[i] = decide(i));

        // A nonce belongs to the first item of the batch that uses it; later ones are answered as if it had been stored
        // first, and take none of the allowance.
        var outcomes = new BatchItemOutcome[count];
        var firsts = new List<(int Index, IntakeDecision.Accept Accept)>();
        var firstWithNonce = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        for (var i = 0; i < count; i++)
        {
            if (decisions[i] is not IntakeDecision.Accept accept)
                outcomes[i] = new BatchItemOutcome.Refused(decisions[i]);
            else if (firstWithNonce.TryAdd(NonceUse.KeyFor(accept.Event.Contributor, accept.Event.Nonce), i))
                firsts.Add((i, accept));
            else
                repeats.Add((i, firstWithNonce[NonceUse.KeyFor(accept.Event.Contributor, accept.Event.Nonce)]));
        }

        // Each item counts for the signer its signature proves, as a single submission does; the accepted are stored in
        // one transaction, not the client's to cancel once their allowances are taken (see SignerQuota's remarks). A
        // failure throws (nothing of the batch is stored: the 503 says it may be sent again as it is).
        var appended = await allowance.AppendEachWithinAsync([.. firsts.Select(a => a.Accept.Event.Contributor)],
            (granted, none) => appender.AppendManyAsync([.. granted.Select(k => (firsts[k].Accept.Event, firsts[k].Accept.Content))], none),
            ct);
        for (var k = 0; k < firsts.Count; k++)
        {
            var (i, accept) = firsts[k];
            outcomes[i] = appended[k] is { } outcome
                ? new BatchItemOutcome.Appended(outcome)
                : new BatchItemOutcome.OverQuota(accept.Event.Contributor);
        }
        foreach (var (i, first) in repeats)
        {
            var repeated = ((IntakeDecision.Accept)decisions[i]).Event;
            outcomes[i] = outcomes[first] is BatchItemOutcome.Appended earlier
                ? new BatchItemOutcome.Appended(Repeat(repeated, earlier.Outcome))
                : new BatchItemOutcome.OverQuota(repeated.Contributor);
        }
        return outcomes;
    }

    /// <summary>
    /// The answer to an item whose nonce an earlier item of the batch used: the same signed contribution again is a
    /// replay of the earlier one, any other contribution finds the nonce taken.
    /// </summary>
    private static AppendOutcome Repeat(ContributionSubmitted repeated, AppendOutcome earlier) => earlier switch
    {
        AppendOutcome.Stored stored when stored.ContributionId == repeated.ContributionId =>
            new AppendOutcome.AlreadyStored(stored.ContributionId, ContributionStatus.Submitted),
        AppendOutcome.AlreadyStored again when again.ContributionId == repeated.ContributionId => again,
        AppendOutcome.NonceTaken taken when taken.ContributionId == repeated.ContributionId => taken,
        _ => ContributionAppender.NonceTakenBy(repeated),
    };
}
