using System.Numerics;
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
/// Reverses an invalidated contribution's reward exactly once. One transaction records <see cref="RewardAdjusted"/> in the
/// contribution's credit stream, the mirror journal entry (id <see cref="JournalEntry.ReversalId"/>, which the store
/// refuses twice) and the contributor's account, so an activation read again after a crash, by a second leader or after a
/// restart finds the reversal done and changes nothing.
/// </summary>
/// <remarks>
/// What is reversed is the contributor's credit as it stands: the first credit plus an appeal's settlement recorded before
/// (<see cref="AppealSettled.ContributorDelta"/>); a settlement recorded after the reversal moves the contributor no more.
/// Only the contributor's credit is reversed. The validators' pay for the case (<see cref="ValidatorsRewarded"/>) stays:
/// they did the review work the policy pays for, and the invalidation is a finding about the contribution, not about them.
/// </remarks>
public sealed class RewardReverser(IDocumentStore store, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    /// <summary>Returns the debit recorded now, or null when there is nothing (more) to reverse.</summary>
    /// <param name="invalidation">Read from governance's stored <see cref="PolicyActivated"/>, never from a message body.</param>
    /// <remarks>
    /// The other order, a score credited after its contribution was invalidated, is <see cref="CreditWriter"/>'s: it reads the
    /// activations under the contributor's lock and records the credit with its reversal. So this side decides "never
    /// credited" under the same lock, named by the contribution's stored scores: whichever transaction takes the lock second
    /// sees the other's fact. A score not yet in the history cannot be in a crediter's hands either, and the crediter that
    /// reads it later finds this activation (already committed, since the follower read it).
    /// </remarks>
    public async Task<RewardAdjusted?> ReverseAsync(Invalidation invalidation, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var stream = CreditWriter.StreamFor(invalidation.ContributionId);
            var contributors = await ScoredContributorsAsync(session.Connection!, invalidation.ContributionId, ct);
            var recorded = await session.Events.FetchStreamAsync(stream, token: ct);
            if (recorded.Select(e => e.Data).OfType<ContributionRewarded>().FirstOrDefault() is { } seen)
                contributors.Add(seen.Contributor);
            // Not scored yet: nothing to take back now, and the crediter will find this activation.
            if (contributors.Count == 0)
                return null;
            await LedgerLocks.ForCreditAsync(session.Connection!, contributors, ct);
            // Read again under the contributor's lock, which the crediter and an appeal's settlement hold too: a credit recorded
            // meanwhile is seen here, and the reversal takes back what the contribution stands credited at, the first credit
            // plus the settlement's delta if one was recorded before.
            recorded = await session.Events.FetchStreamAsync(stream, token: ct);
            // Never rewarded: there is nothing to take back, and no debt is opened for a reward that was never given.
            if (recorded.Select(e => e.Data).OfType<ContributionRewarded>().FirstOrDefault() is not { } credit)
                return null;
            var settled = recorded.Select(e => e.Data).OfType<AppealSettled>().FirstOrDefault();
            var credited = TokenAmount.Parse(credit.Amount) + (settled is null ? 0 : AppealSettlement.ParseSigned(settled.ContributorDelta));
            // Credited nothing (a fallback score under a policy that pays none, or an appeal that lowered it to 0): a debit
            // of 0 would say nothing.
            if (credited.IsZero)
                return null;
            // Reversed before (this activation seen again, a second invalidation of the same contribution, or a credit that
            // carried its reversal): a reward is taken back once, since it was given once. The journal entry's id refuses a
            // concurrent second reversal too.
            if (recorded.Any(e => e.Data is RewardAdjusted))
                return null;

            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var account = await session.LoadAsync<LedgerAccount>(credit.Contributor, ct) ?? LedgerAccount.Open(credit.Contributor);
            var now = clock.GetUtcNow();
            // The first open epoch, as for a credit: a closed epoch's root is published and never changes.
            var epoch = state.EpochForCredit(epochs.Value, now);
            var (adjusted, debited) = Reversal(session, credit, credited, invalidation, epoch, account, now);
            session.Events.Append(stream, adjusted);
            session.Store(debited);
            await session.SaveChangesAsync(ct);
            return adjusted;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // reversed by a concurrent leader
        }
    }

    /// <summary>
    /// The reversal of <paramref name="credit"/> (standing at <paramref name="credited"/>, more than 0) and the contributor's
    /// account after it; inserts the mirror journal entry (id <see cref="JournalEntry.ReversalId"/>, refused twice) in the
    /// caller's transaction, under the contributor's lock. The caller appends the event to the credit stream and stores the
    /// account. The one way a quality credit is taken back, whether it was recorded before the invalidation or in this very
    /// transaction (<see cref="CreditWriter"/>).
    /// </summary>
    /// <param name="account">The contributor's account as it stands in this transaction (after the credit, if in the same one).</param>
    internal static (RewardAdjusted Adjusted, LedgerAccount Account) Reversal(
        IDocumentSession session, ContributionRewarded credit, BigInteger credited, Invalidation invalidation, long epoch, LedgerAccount account, DateTimeOffset now)
    {
        var adjusted = new RewardAdjusted(credit.ContributionId, credit.Contributor, TokenAmount.Format(-credited), epoch,
            invalidation.Reason, invalidation.ProposalId, now);
        session.Insert(JournalEntry.Reversal(credit.ContributionId, credit.Contributor, credited, epoch, credit.PolicyVersion,
            account.Entries + 1, now));
        // The balance goes down; what the address earned in an epoch (the cap's measure) does not: a debit opens no room
        // for more rewards. The balance may go below zero (a slash as a reviewer took it there); the claim never does.
        return (adjusted, account.Moved(-credited));
    }

    // The contributors (EIP-55) the contribution's stored scores name, as CreditWriter locks them; empty while it has none.
    private static readonly string ScoredContributorsSql = $"""
        SELECT DISTINCT data->>'contributor' FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = @type
        """;

    private static async Task<HashSet<string>> ScoredContributorsAsync(NpgsqlConnection connection, string contributionId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ScoredContributorsSql, connection);
        command.Parameters.AddWithValue("stream", ScoreFollower.ScoringStreamPrefix + contributionId);
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ContributionScored)));
        var contributors = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (!reader.IsDBNull(0) && Address.TryParse(reader.GetString(0), out var address))
                contributors.Add(address);
        return contributors;
    }

    /// <summary>
    /// Takes back an invalidated contribution's gain credit (<see cref="ModelGainRewarded"/>), if it has one: returns the
    /// debit recorded now, or null when there is nothing (more) to reverse.
    /// </summary>
    /// <remarks>
    /// The other order, an evaluation read after its contribution was invalidated, is <see cref="GainCrediter"/>'s: it reads
    /// the activations under the contributor's lock and records the credit with its reversal. So this side decides under
    /// the same lock, named by the paying evaluation's contributor: whichever transaction takes the lock second sees the
    /// other's fact. An evaluation not yet in the history cannot be in a crediter's hands either, and the crediter that
    /// reads it later finds this activation (already committed, since the follower read it).
    /// </remarks>
    public async Task<ModelGainReversed?> ReverseGainAsync(Invalidation invalidation, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            if (await PayingEvaluationContributorAsync(session.Connection!, invalidation.ContributionId, ct) is not { } contributor)
                return null;
            await LedgerLocks.ForCreditAsync(session.Connection!, [contributor], ct);
            var stream = GainCrediter.StreamFor(invalidation.ContributionId);
            var recorded = await session.Events.FetchStreamAsync(stream, token: ct);
            // Not credited yet: the crediter will find this activation and record the reversal with the credit.
            if (recorded.Select(e => e.Data).OfType<ModelGainRewarded>().FirstOrDefault() is not { } credit)
                return null;
            if (recorded.Any(e => e.Data is ModelGainReversed))
                return null;
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var account = await session.LoadAsync<LedgerAccount>(credit.Contributor, ct) ?? LedgerAccount.Open(credit.Contributor);
            var now = clock.GetUtcNow();
            var reversed = RecordGainReversal(session, credit, invalidation, state.EpochForCredit(epochs.Value, now), account, now);
            if (reversed is not null)
                await session.SaveChangesAsync(ct);
            return reversed;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // reversed by a concurrent leader
        }
    }

    /// <summary>
    /// Appends the reversal of <paramref name="credit"/> to its gain stream, with the mirror journal entry (id
    /// <see cref="JournalEntry.ReversalId"/> of the credit's entry, refused twice) and the account's move, in the caller's
    /// transaction, under the contributor's lock; returns null for a credit of 0 (a debit of 0 would say nothing). The one way
    /// a gain credit is taken back, whether the credit was recorded before the invalidation or in this very transaction.
    /// </summary>
    /// <param name="account">The contributor's account as it stands in this transaction (after the credit, if in the same one).</param>
    internal static ModelGainReversed? RecordGainReversal(
        IDocumentSession session, ModelGainRewarded credit, Invalidation invalidation, long epoch, LedgerAccount account, DateTimeOffset now)
    {
        var credited = TokenAmount.Parse(credit.Amount);
        if (credited.IsZero)
            return null;
        var reversed = new ModelGainReversed(credit.ContributionId, credit.Contributor, TokenAmount.Format(-credited), epoch,
            invalidation.Reason, invalidation.ProposalId, now);
        session.Store(Debit(session, GainCrediter.StreamFor(credit.ContributionId), reversed, GainCrediter.EntryId(credit.ContributionId),
            credit.Contributor, credited, epoch, credit.PolicyVersion, account, now));
        return reversed;
    }

    /// <summary>
    /// Takes back an invalidated contribution's data-value credit (<see cref="DataValueRewarded"/>), if it has one: returns
    /// the debit recorded now, or null when there is nothing (more) to reverse.
    /// </summary>
    /// <remarks>
    /// The other order, a valuation read after its contribution was invalidated, is <see cref="DataValueCrediter"/>'s: it
    /// reads the activations under the contributors' locks and records the credit with its reversal. So this side decides
    /// under the lock of the contributor the contribution's scores name (the one its submission names, as the valuation's
    /// share does), and of the credit's contributor if it was credited: whichever transaction takes the lock second sees the
    /// other's fact.
    /// </remarks>
    public async Task<DataValueReversed?> ReverseDataValueAsync(Invalidation invalidation, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var stream = DataValueCrediter.StreamFor(invalidation.ContributionId);
            var contributors = await ScoredContributorsAsync(session.Connection!, invalidation.ContributionId, ct);
            if ((await session.Events.FetchStreamAsync(stream, token: ct)).Select(e => e.Data).OfType<DataValueRewarded>().FirstOrDefault() is { } seen)
                contributors.Add(seen.Contributor);
            if (contributors.Count == 0)
                return null;
            await LedgerLocks.ForCreditAsync(session.Connection!, contributors, ct);
            var recorded = await session.Events.FetchStreamAsync(stream, token: ct);
            // Not credited yet: the crediter will find this activation and record the reversal with the credit.
            if (recorded.Select(e => e.Data).OfType<DataValueRewarded>().FirstOrDefault() is not { } credit)
                return null;
            if (recorded.Any(e => e.Data is DataValueReversed))
                return null;
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var account = await session.LoadAsync<LedgerAccount>(credit.Contributor, ct) ?? LedgerAccount.Open(credit.Contributor);
            var now = clock.GetUtcNow();
            var (reversed, debited) = RecordDataValueReversal(session, credit, invalidation, state.EpochForCredit(epochs.Value, now), account, now);
            if (reversed is null)
                return null;
            session.Store(debited);
            await session.SaveChangesAsync(ct);
            return reversed;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // reversed by a concurrent leader
        }
    }

    /// <summary>
    /// Appends the reversal of <paramref name="credit"/> to its data-value stream with the mirror journal entry, in the
    /// caller's transaction, under the contributor's lock; returns the account after it, which the caller stores (the
    /// account is unchanged and the reversal null for a credit of 0). The one way a data-value credit is taken back.
    /// </summary>
    internal static (DataValueReversed? Reversed, LedgerAccount Account) RecordDataValueReversal(
        IDocumentSession session, DataValueRewarded credit, Invalidation invalidation, long epoch, LedgerAccount account, DateTimeOffset now)
    {
        var credited = TokenAmount.Parse(credit.Amount);
        if (credited.IsZero)
            return (null, account);
        var reversed = new DataValueReversed(credit.ContributionId, credit.Contributor, TokenAmount.Format(-credited), epoch,
            invalidation.Reason, invalidation.ProposalId, now);
        return (reversed, Debit(session, DataValueCrediter.StreamFor(credit.ContributionId), reversed, DataValueCrediter.EntryId(credit.ContributionId),
            credit.Contributor, credited, epoch, credit.PolicyVersion, account, now));
    }

    /// <summary>
    /// A debit beside its credit: the reversal fact in the credit's stream and the mirror journal entry (id
    /// <see cref="JournalEntry.ReversalId"/> of the credit's entry, refused twice); returns the account after it.
    /// </summary>
    private static LedgerAccount Debit(IDocumentSession session, string stream, object reversal, string creditEntryId, string contributor,
        BigInteger credited, long epoch, string policyVersion, LedgerAccount account, DateTimeOffset now)
    {
        session.Events.Append(stream, reversal);
        session.Insert(JournalEntry.Reversal(creditEntryId, contributor, credited, epoch, policyVersion, account.Entries + 1, now));
        return account.Moved(-credited);
    }

    // The contributor of the contribution's evaluation that made its model champion (the only kind that is credited), as
    // the community model's stream records it and as GainCrediter locks it; null while there is none.
    private static readonly string PayingEvaluationSql = $"""
        SELECT data->>'contributor' FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = @type AND data->>'refusal' IS NULL AND (data->>'becameChampion')::boolean
        ORDER BY seq_id LIMIT 1
        """;

    private static async Task<string?> PayingEvaluationContributorAsync(NpgsqlConnection connection, string contributionId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(PayingEvaluationSql, connection);
        command.Parameters.AddWithValue("stream", GainFollower.EvaluationStreamPrefix + contributionId);
        command.Parameters.AddWithValue("type", OutboxRoutes.EventTypeName(typeof(ModelContributionEvaluated)));
        return await command.ExecuteScalarAsync(ct) is string contributor && Address.TryParse(contributor, out var address) ? address : null;
    }
}
