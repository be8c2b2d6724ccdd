using CommunityAI.Contracts;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits the shares of a valued batch exactly once per contribution: for each batch of a <see cref="DataValued"/> (the
/// round's new data, its new feedback) whose measured gain was above 0, the pool gain ·
/// <see cref="RewardPolicy.DataGainRewardPerBasisPoint"/> of the policy in force in the first open epoch, split by the
/// shares' examples (<see cref="RewardPolicy.DataValueRewardsFor"/>). One transaction per batch (per
/// <see cref="SharesPerTransaction"/> of its shares) records a
/// <see cref="DataValueRewarded"/> in stream <c>ledger/data-value/{contributionId}</c> for each share not credited before
/// (the store refuses to start a stream twice), its journal entry (id <see cref="EntryId"/>, refused twice too) and the
/// accounts, under the accounts' locks and the epoch gate, so a valuation read again changes nothing.
/// </summary>
/// <remarks>
/// A contribution is paid for its data's value once, in the first valuation that names it with a positive gain; the split
/// is over every share of the batch, credited before or not, so an amount never depends on what was read first. Apart from
/// the contribution's quality-score credit, which stays. Recorded even when the policy pays 0, so every positive
/// valuation has its facts and <c>replay</c> can hold each one to it. A contribution invalidated before its valuation is
/// read gets its credit and, in the same transaction, its <see cref="DataValueReversed"/>.
/// </remarks>
public sealed class DataValueCrediter(IDocumentStore store, RewardPolicyBook policies, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + "data-value/" + contributionId;

    /// <summary>The journal entry of a data-value credit, beside the contribution's own credit (whose id is the contribution id).</summary>
    public static string EntryId(string contributionId) => "data-value:" + contributionId;

    /// <summary>The batches' names in a <see cref="DataValued"/>, as <see cref="DataValueRewarded.Batch"/> records them.</summary>
    public const string DataBatch = "data", FeedbackBatch = "feedback";

    /// <summary>Returns the credits recorded now (none when nothing was earned or everything was credited before).</summary>
    /// <param name="valued">The valuation as the community model's history records it, never a message body.</param>
    public async Task<IReadOnlyList<DataValueRewarded>> CreditAsync(DataValued valued, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(valued);
        var recorded = new List<DataValueRewarded>();
        recorded.AddRange(await CreditBatchAsync(valued, DataBatch, valued.Data, ct));
        recorded.AddRange(await CreditBatchAsync(valued, FeedbackBatch, valued.Feedback, ct));
        return recorded;
    }

    private async Task<IReadOnlyList<DataValueRewarded>> CreditBatchAsync(DataValued valued, string batch, BatchValue value, CancellationToken ct)
    {
        // No measured gain (or a loss), or a round recorded before shares were: nothing is earned.
        if (value.GainBasisPoints is not > 0 || value.Shares is not { Count: > 0 } listed)
            return [];
        var all = Checked(listed, valued, batch);
        var recorded = new List<DataValueRewarded>();
        // In chunks: each account's lock is an advisory lock held to the end of its transaction, and PostgreSQL's shared
        // lock table holds a few thousand at most (max_locks_per_transaction × connections), while a busy round's batch
        // may name more contributors than that. Every chunk splits the whole batch's pool, so the chunking changes no amount.
        for (var first = 0; first < all.Count; first += SharesPerTransaction)
            recorded.AddRange(await CreditChunkAsync(valued, batch, value, all, first, ct));
        return recorded;
    }

    /// <summary>The most shares credited in one transaction (each holds its account's lock to the end of it).</summary>
    public const int SharesPerTransaction = 200;

    private async Task<IReadOnlyList<DataValueRewarded>> CreditChunkAsync(DataValued valued, string batch, BatchValue value,
        List<BatchShare> all, int first, CancellationToken ct)
    {
        var shares = all.GetRange(first, Math.Min(SharesPerTransaction, all.Count - first));
        var schedule = await policies.ScheduleAsync(ct);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            await LedgerLocks.ForCreditAsync(session.Connection!, shares.Select(s => s.Contributor).Distinct(StringComparer.Ordinal), ct);
            // Read under the locks: a credit recorded meanwhile by another leader is seen here.
            var credited = await CreditedAsync(session.Connection!, shares.Select(s => s.ContributionId), ct);
            if (shares.All(s => credited.Contains(s.ContributionId)))
                return [];

            var reads = session.CreateBatchQuery();
            var stateTask = reads.Load<EpochState>(EpochState.Key);
            var ids = shares.Select(s => s.ContributionId).ToList();
            var invalidations = InvalidationHistory.Queue(reads, ids);
            var accountsTask = reads.LoadMany<LedgerAccount>().ById(shares.Select(s => s.Contributor).Distinct(StringComparer.Ordinal).ToArray());
            await reads.Execute(ct);
            var state = await stateTask ?? EpochState.None;
            if (state.Policies > schedule.Records.Count)
                schedule = await policies.ReloadAsync(ct); // a policy was recorded since the cache was read
            var now = clock.GetUtcNow();
            // The first open epoch, as for every credit: a closed epoch's root is published and never changes.
            var epoch = state.EpochForCredit(epochs.Value, now);
            var policy = schedule.For(epoch);
            var amounts = policy.DataValueRewardsFor(value.GainBasisPoints, all.Select(s => s.Examples).ToList());
            var total = all.Sum(s => s.Examples);
            var accounts = (await accountsTask).ToDictionary(a => a.Id, StringComparer.Ordinal);
            var invalidated = await InvalidationHistory.FirstOfEachAsync(session.Connection!, invalidations, ids, ct);

            var recorded = new List<DataValueRewarded>();
            for (var i = 0; i < shares.Count; i++)
            {
                var (share, amount) = (shares[i], amounts[first + i]);
                if (credited.Contains(share.ContributionId))
                    continue;
                var rewarded = new DataValueRewarded(share.ContributionId, share.Contributor, batch, valued.Period, valued.ModelHash,
                    value.GainBasisPoints!.Value, total, share.Examples, TokenAmount.Format(amount), epoch, policy.Name, now);
                session.Events.StartStream(StreamFor(share.ContributionId), rewarded);
                // The balance moves; what the address earned in the epoch (the cap's measure) does not: the measured gain
                // bounds the pool, and each amount follows from the valuation and the policy alone, whatever else was credited.
                var account = (accounts.GetValueOrDefault(share.Contributor) ?? LedgerAccount.Open(share.Contributor)).Moved(amount);
                session.Insert(JournalEntry.Credit(EntryId(share.ContributionId), share.Contributor, amount, epoch, policy.Name, account.Entries, now));
                // Invalidated before this valuation was read: the credit keeps its fact and is taken back in the same
                // transaction, so the order in which the ledger reads the two never pays an invalidated contribution.
                if (invalidated.GetValueOrDefault(share.ContributionId) is { } invalidation)
                    account = RewardReverser.RecordDataValueReversal(session, rewarded, invalidation, epoch, account, now).Account;
                accounts[share.Contributor] = account;
                recorded.Add(rewarded);
            }
            foreach (var account in accounts.Values)
                session.Store(account);
            await session.SaveChangesAsync(ct);
            return recorded;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return []; // credited by a concurrent leader
        }
    }

    /// <summary>
    /// The shares as the ledger credits them: ids lower case, contributors EIP-55, at least one example each, each
    /// contribution once, in contribution-id order (the order the split's left-over units follow). A valuation that breaks
    /// these is a damaged history: failing the term is louder than paying it some other way.
    /// </summary>
    private static List<BatchShare> Checked(IReadOnlyList<BatchShare> shares, DataValued valued, string batch)
    {
        string Where() => $"the {batch} batch of the valuation of model {valued.ModelHash} (period {valued.Period})";
        var checkedShares = new List<BatchShare>(shares.Count);
        foreach (var share in shares)
        {
            if (share is null || !Formats.Hex.TryDecode(share.ContributionId, out _, 32))
                throw new FormatException($"{Where()} names a contribution id that is not 0x-prefixed hex of 32 bytes");
            if (share.Examples <= 0)
                throw new FormatException($"{Where()} gives contribution {share.ContributionId} {share.Examples} examples");
            checkedShares.Add(share with { ContributionId = share.ContributionId.ToLowerInvariant(), Contributor = Address.Parse(share.Contributor) });
        }
        for (var i = 1; i < checkedShares.Count; i++)
            if (string.CompareOrdinal(checkedShares[i - 1].ContributionId, checkedShares[i].ContributionId) >= 0)
                throw new FormatException($"{Where()} does not list its shares once each in contribution-id order");
        return checkedShares;
    }

    private static readonly string CreditedSql = $"""
        SELECT id FROM {HistoryStoreExtensions.EventsSchema}.mt_streams WHERE id = ANY(@streams)
        """;

    /// <summary>The contributions among <paramref name="contributionIds"/> whose data-value stream exists: credited before.</summary>
    private static async Task<HashSet<string>> CreditedAsync(NpgsqlConnection connection, IEnumerable<string> contributionIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CreditedSql, connection);
        command.Parameters.AddWithValue("streams", contributionIds.Select(StreamFor).ToArray());
        var credited = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            credited.Add(reader.GetString(0)[StreamFor("").Length..]);
        return credited;
    }
}
