using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits a contributed model's measured gain exactly once: for an evaluation that made the model champion,
/// gain · <see cref="RewardPolicy.ModelGainRewardPerBasisPoint"/> of the policy in force in the first open epoch
/// (<see cref="RewardPolicy.GainRewardFor"/>). One transaction records <see cref="ModelGainRewarded"/> in stream
/// <c>ledger/gains/{contributionId}</c> (which the store refuses to start twice), its journal entry (id
/// <see cref="EntryId"/>, refused twice too) and the contributor's account, under the account's lock and the epoch gate, so
/// an evaluation read again after a crash, by a second leader or after a restart finds the credit and changes nothing.
/// </summary>
/// <remarks>
/// Apart from the contribution's quality-score credit (<c>ledger/credits/{id}</c>), which stays: the model was reviewed
/// like any contribution, and governance can lower the <c>model</c> base if the gain should pay alone. A separate stream
/// also keeps the two independent of which the ledger reads first. The credit is recorded even when the policy pays 0 for
/// gains, so every champion change has its fact and <c>replay</c> can hold each one to it. A contribution invalidated before
/// its evaluation is read gets its credit and, in the same transaction, its <see cref="ModelGainReversed"/>.
/// </remarks>
public sealed class GainCrediter(IDocumentStore store, RewardPolicyBook policies, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + "gains/" + contributionId;

    /// <summary>The journal entry of a gain credit, beside the contribution's own credit (whose id is the contribution id).</summary>
    public static string EntryId(string contributionId) => "gain:" + contributionId;

    /// <summary>Returns the credit recorded now, or null when the evaluation pays nothing or was credited before.</summary>
    /// <param name="evaluated">The evaluation as the community model's history records it, never a message body.</param>
    /// <param name="evaluationStream">The stream it was read from, which must be <c>model/contributions/{contributionId}</c>.</param>
    public async Task<ModelGainRewarded?> CreditAsync(ModelContributionEvaluated evaluated, string evaluationStream, CancellationToken ct)
    {
        // Refused, or no real gain over the champion (the champion rule): nothing is earned.
        if (evaluated.Refusal is not null || !evaluated.BecameChampion)
            return null;
        if (!Formats.Hex.TryDecode(evaluated.ContributionId, out _, 32))
            throw new FormatException($"contribution id {evaluated.ContributionId} is not 0x-prefixed hex of 32 bytes");
        var contributionId = evaluated.ContributionId.ToLowerInvariant();
        // An evaluation belongs in its contribution's stream; one recorded elsewhere is no evaluation of it.
        if (!string.Equals(evaluationStream, GainFollower.EvaluationStreamPrefix + contributionId, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"an evaluation of contribution {contributionId} is recorded in {evaluationStream}");
        var contributor = Address.Parse(evaluated.Contributor);
        var schedule = await policies.ScheduleAsync(ct);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await LedgerLocks.ForCreditAsync(session.Connection!, [contributor], ct);
            // Read under the locks: a credit recorded meanwhile by another leader is seen here.
            var stream = StreamFor(contributionId);
            if (await session.Events.FetchStreamStateAsync(stream, ct) is not null)
                return null;

            var reads = session.CreateBatchQuery();
            var stateTask = reads.Load<EpochState>(EpochState.Key);
            var invalidations = InvalidationHistory.Queue(reads, [contributionId]);
            await reads.Execute(ct);
            var state = await stateTask ?? EpochState.None;
            if (state.Policies > schedule.Records.Count)
                schedule = await policies.ReloadAsync(ct); // a policy was recorded since the cache was read
            var now = clock.GetUtcNow();
            // The first open epoch, as for every credit: a closed epoch's root is published and never changes.
            var epoch = state.EpochForCredit(epochs.Value, now);
            var policy = schedule.For(epoch);
            var amount = policy.GainRewardFor(evaluated.GainBasisPoints);

            var rewarded = new ModelGainRewarded(contributionId, contributor, evaluated.Period, evaluated.ModelHash, evaluated.GainBasisPoints,
                TokenAmount.Format(amount), epoch, policy.Name, now);
            session.Events.StartStream(stream, rewarded);
            var account = await session.LoadAsync<LedgerAccount>(contributor, ct) ?? LedgerAccount.Open(contributor);
            // The balance moves; what the address earned in the epoch (the cap's measure) does not: the gain is bounded by the
            // champion rule, and its amount then follows from the evaluation and the policy alone, whatever else was credited.
            account = account.Moved(amount);
            session.Store(account);
            session.Insert(JournalEntry.Credit(EntryId(contributionId), contributor, amount, epoch, policy.Name, account.Entries, now));
            // Invalidated before this evaluation was read (a model often waits rounds for its evaluation): the credit keeps its
            // fact and is taken back in the same transaction, so the order in which the ledger reads the two never pays a gain
            // of an invalidated contribution. Read under the lock the reverser decides under too.
            var invalidated = await InvalidationHistory.FirstOfEachAsync(session.Connection!, invalidations, [contributionId], ct);
            if (invalidated.GetValueOrDefault(contributionId) is { } invalidation)
                RewardReverser.RecordGainReversal(session, rewarded, invalidation, epoch, account, now);
            await session.SaveChangesAsync(ct);
            return rewarded;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // credited by a concurrent leader
        }
    }
}
