using CommunityAI.Formats.Policies;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Database;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Telemetry;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits scored contributions exactly once. One transaction records each credit's history event (stream
/// <c>ledger/credits/{contributionId}</c>, which the store refuses to start twice), its journal entry (id = the
/// contribution id, refused twice too) and the contributor's account, so a batch read again after a crash, a second
/// leader or a restart finds the credit done and changes nothing. The validators who decided the case by consensus are
/// paid in the same transaction and stream (<see cref="ValidatorsRewarded"/>), so they too are paid exactly once. A
/// contribution invalidated before its score is credited gets its credit and its <see cref="RewardAdjusted"/> together.
/// </summary>
/// <remarks>
/// A whole batch of the score feed is credited in one transaction with a fixed number of round trips, whatever its size:
/// one lock statement for every account it touches, one batched read (journal entries already there, accounts, epoch
/// state, feed checkpoint), one save with the feed's checkpoint, one commit. Crediting one score at a time took six
/// round trips per credit and a separate checkpoint save per batch (benchmarks/RewardLedger: 0.05 per credit now).
/// The batch is folded in memory in history order, which gives exactly the amounts crediting one by one gave: a
/// contributor's per-epoch cap depends only on its own earlier credits, which the fold carries from one to the next.
/// </remarks>
public sealed class CreditWriter(
    IDocumentStore store, RewardPolicyBook policies, ContributionEvidence evidence, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + "credits/" + contributionId;

    /// <summary>Returns the credit recorded now, or null when the contribution was credited before.</summary>
    /// <param name="scored">The score as quality-scoring's history records it, never a message body alone.</param>
    public async Task<ContributionRewarded?> CreditAsync(ContributionScored scored, CancellationToken ct) =>
        (await CreditAsync([scored], feedCheckpoint: null, traces: null, ct)).SingleOrDefault();

    /// <summary>
    /// Credits <paramref name="scores"/> in their history order, in one transaction, skipping every contribution credited
    /// before (or earlier in the batch); returns the credits recorded now.
    /// </summary>
    /// <param name="scores">Scores as quality-scoring's history records them, in history order.</param>
    /// <param name="feedCheckpoint">
    /// The score feed's checkpoint (<see cref="ScoreFollower.CheckpointKey"/>) to record in the same transaction, so a crash can
    /// neither credit twice nor skip; it never moves back (a replica that lost its lease may still finish an old batch).
    /// </param>
    /// <param name="traces">Each score's trace context by contribution id, carried on to its credit's events (or none).</param>
    public async Task<IReadOnlyList<ContributionRewarded>> CreditAsync(
        IReadOnlyList<ContributionScored> scores, long? feedCheckpoint, IReadOnlyDictionary<string, string>? traces, CancellationToken ct)
    {
        // A malformed address or id in quality-scoring's own streams is a damaged history: it throws, crediting nothing.
        var cases = scores.Select(Case.Of).ToList();
        if (cases.Count == 0 && feedCheckpoint is null)
            return [];
        var schedule = await policies.ScheduleAsync(ct);
        var backing = await evidence.ForAsync(scores, ct);
        try
        {
            return await WriteAsync(cases, schedule, backing, feedCheckpoint, traces, ct);
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            // Every other credit writer waits for these locks and then finds the credits, so only something outside them
            // recorded one of the batch's credits (a concurrent single credit, a journal row deleted by hand).
        }
        if (cases.Count == 1 && feedCheckpoint is null)
            return []; // that one was credited meanwhile
        // Credit one at a time, in history order, to find which: a duplicate then means that one is credited.
        var recorded = new List<ContributionRewarded>();
        foreach (var c in cases)
        {
            try
            {
                recorded.AddRange(await WriteAsync([c], schedule, backing, null, traces, ct));
            }
            catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
            {
            }
        }
        if (feedCheckpoint is not null)
            await WriteAsync([], schedule, backing, feedCheckpoint, traces, ct);
        return recorded;
    }

    private async Task<IReadOnlyList<ContributionRewarded>> WriteAsync(
        List<Case> cases, PolicySchedule schedule, IReadOnlyDictionary<string, RewardEvidence> backing, long? feedCheckpoint,
        IReadOnlyDictionary<string, string>? traces, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        // Every account the batch may write, contributors and reviewers alike, locked in the one sorted order in one
        // statement: other ledger writers take theirs the same way, so none of them waits on this in a cycle. Reviewers
        // are locked even under a policy that pays no validators: a policy recorded meanwhile may pay them.
        var addresses = cases.SelectMany(c => c.Reviewers.Prepend(c.Contributor)).Distinct(StringComparer.Ordinal).ToList();
        await LedgerLocks.ForScoresAsync(session.Connection!, addresses, feed: feedCheckpoint is not null, ct);

        // Read after the locks, in one round trip: what is credited, the newest closed epoch, the accounts as the last
        // credit left them, and how far the feed is recorded.
        var reads = session.CreateBatchQuery();
        var creditedTask = reads.LoadMany<JournalEntry>().ById(cases.Select(c => c.ContributionId).Distinct(StringComparer.Ordinal).ToArray());
        var stateTask = reads.Load<EpochState>(EpochState.Key);
        var accountsTask = reads.LoadMany<LedgerAccount>().ById(addresses.ToArray());
        var checkpointTask = feedCheckpoint is null ? null : reads.Load<FollowerCheckpoint>(ScoreFollower.CheckpointKey);
        // The invalidations the invalidation follower documented, in the same round trip (read below with the history past them).
        var invalidations = InvalidationHistory.Queue(reads, cases.Select(c => c.ContributionId));
        await reads.Execute(ct);
        var credited = (await creditedTask).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var state = await stateTask ?? EpochState.None;
        var accounts = (await accountsTask).ToDictionary(a => a.Id, StringComparer.Ordinal);
        // Read under the same locks the reverser decides under: a contribution invalidated before its score is credited gets
        // its credit and, in this transaction, its reversal (one more round trip per batch, whatever its size: the history
        // past the invalidation follower's checkpoint).
        var invalidated = await InvalidationHistory.FirstOfEachAsync(session.Connection!, invalidations,
            cases.Select(c => c.ContributionId).Where(id => !credited.Contains(id)).ToHashSet(StringComparer.Ordinal), ct);

        var now = clock.GetUtcNow();
        var epoch = state.EpochForCredit(epochs.Value, now);
        if (state.Policies > schedule.Records.Count)
            schedule = await policies.ReloadAsync(ct); // a policy was recorded since the cache was read
        var policy = schedule.For(epoch);

        var recorded = new List<ContributionRewarded>();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<JournalEntry>();
        foreach (var c in cases)
        {
            if (!credited.Add(c.ContributionId))
                continue; // credited before, or a second score of one contribution in the batch
            var account = accounts.GetValueOrDefault(c.Contributor) ?? LedgerAccount.Open(c.Contributor);
            var amount = policy.RewardFor(c.Scored.Kind, c.Scored.Score, account.EarnedIn(epoch), backing[c.ContributionId]);
            var rewarded = new ContributionRewarded(c.ContributionId, c.Contributor, TokenAmount.Format(amount), epoch, policy.Name, now);
            entries.Add(JournalEntry.Credit(c.ContributionId, c.Contributor, amount, epoch, policy.Name, account.Entries + 1, now));
            accounts[c.Contributor] = account.Post(amount, epoch);
            changed.Add(c.Contributor);

            var pay = c.Reviewers.Count == 0 ? null : ValidatorsPaid(c.Scored, policy, c.ContributionId, epoch, now);
            foreach (var line in pay?.Lines ?? [])
            {
                // Validator pay adds to the balance but not to what the address earned in the epoch: the per-address cap
                // limits contributors' rewards, and a case's pool is fixed by its own score and policy, in any order.
                var paid = accounts.GetValueOrDefault(line.Validator) ?? LedgerAccount.Open(line.Validator);
                paid = paid.Moved(TokenAmount.Parse(line.Amount));
                accounts[line.Validator] = paid;
                changed.Add(line.Validator);
                entries.Add(JournalEntry.Credit(ValidatorEntryId(c.ContributionId, line.Validator), line.Validator, TokenAmount.Parse(line.Amount),
                    epoch, policy.Name, paid.Entries, now));
            }
            List<object> events = pay is null ? [rewarded] : [rewarded, pay];
            // Invalidated before this score was credited (still under review when the vote ended): the credit keeps its fact
            // and is taken back in the same epoch, so the order in which the ledger reads the two never pays an invalidated
            // contribution. The validators keep their pay, as on any reversal.
            if (invalidated.TryGetValue(c.ContributionId, out var invalidation) && !amount.IsZero)
            {
                var (adjusted, debited) = RewardReverser.Reversal(session, rewarded, amount, invalidation, epoch, accounts[c.Contributor], now);
                accounts[c.Contributor] = debited;
                events.Add(adjusted);
            }
            HistoryTraceContext.Carry(session.Events.StartStream(StreamFor(c.ContributionId), [.. events]), traces?.GetValueOrDefault(c.ContributionId));
            recorded.Add(rewarded);
        }
        // A batch's journal entries and accounts as a statement each: a feed batch of 500 cases with five reviewers each
        // is 3,000 entries, and Marten compares each document it queues with every one queued before it.
        await DocumentRows.InsertAsync(session, entries, e => e.Id, ct);
        await DocumentRows.UpsertAsync(session, changed.Select(address => accounts[address]).ToArray(), a => a.Id, ct);
        if (feedCheckpoint is { } sequence && FollowerCheckpoint.Advances(await checkpointTask!, sequence))
            session.Store(new FollowerCheckpoint(ScoreFollower.CheckpointKey, sequence));
        await session.SaveChangesAsync(ct);
        // Counted once committed: what reached contributors' accounts, by kind (a dashboard's "rewarded" line).
        foreach (var kind in recorded.Join(cases, r => r.ContributionId, c => c.ContributionId, (_, c) => c.Scored.Kind).GroupBy(k => k))
            CommunityMetrics.ContributionsCredited.Add(kind.Count(), new KeyValuePair<string, object?>("kind", kind.Key));
        return recorded;
    }

    /// <summary>The journal entry of a validator's pay for a case.</summary>
    public static string ValidatorEntryId(string contributionId, string validator) => $"validators:{contributionId}:{validator}";

    /// <summary>A score read for crediting: its contribution id (lowercase), contributor and reviewers (EIP-55).</summary>
    private sealed record Case(ContributionScored Scored, string ContributionId, string Contributor, IReadOnlyList<string> Reviewers)
    {
        public static Case Of(ContributionScored scored)
        {
            var contributor = Address.Parse(scored.Contributor);
            if (!Formats.Hex.TryDecode(scored.ContributionId, out _, 32))
                throw new FormatException($"contribution id {scored.ContributionId} is not 0x-prefixed hex of 32 bytes");
            return new Case(scored, scored.ContributionId.ToLowerInvariant(), contributor, ReviewersOf(scored));
        }
    }

    /// <summary>The addresses (EIP-55) of the reviews a consensus decided with; none for a fallback or a duplicate refused outright.</summary>
    private static List<string> ReviewersOf(ContributionScored scored) =>
        scored.Fallback is not null || scored.Reviews is not { Count: > 0 } reviews
            ? []
            : [.. reviews.Select(r => Address.Parse(r.Validator)).Distinct(StringComparer.Ordinal)];

    /// <summary>The case's validator pay under <paramref name="policy"/>, or null when there is nothing to pay.</summary>
    private static ValidatorsRewarded? ValidatorsPaid(ContributionScored scored, RewardPolicy policy, string contributionId, long epoch, DateTimeOffset now)
    {
        var pool = policy.ValidatorPoolFor(scored.Kind);
        var (total, lines) = ValidatorPay.Divide(pool, scored.Reviews!);
        return lines.Count == 0 ? null : new ValidatorsRewarded(contributionId, epoch, policy.Name, TokenAmount.Format(pool), total, lines, now);
    }
}
