using System.Text.Json;
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
/// Settles a decided appeal's reward consequence exactly once (rule: <see cref="AppealSettlement"/>). One transaction
/// records <see cref="AppealSettled"/> in the contribution's credit stream, a journal entry per account that moves (ids
/// <see cref="JournalEntry.SettlementId"/>, refused twice) and the accounts. Every writer of a credit stream after its
/// credit (this and <see cref="RewardReverser"/>) holds the contributor's account lock and reads the stream under it, so
/// a decision read again after a crash, by a second leader or after a restart finds the settlement and changes nothing,
/// and a reversal and a settlement of one contribution each see the other or neither. A contribution invalidated before
/// the settlement (an activated <c>contribution-invalidation</c> in the history, read under the same lock) is settled as
/// reversed: its contributor's delta is 0 whether or not a <see cref="RewardAdjusted"/> was recorded (a credit of 0 has
/// none), and its validators are settled as the appeal rules say, as after a reversal.
/// </summary>
public sealed class AppealSettler(
    NpgsqlDataSource dataSource, IDocumentStore store, RewardPolicyBook policies, ContributionEvidence evidence, IOptions<EpochOptions> epochs,
    TimeProvider clock)
{
    private static readonly string ScoredType = OutboxRoutes.EventTypeName(typeof(ContributionScored));
    private static readonly string FiledType = OutboxRoutes.EventTypeName(typeof(AppealFiled));

    // The score the appeal was against: the stream's first ContributionScored (an appeal records AppealDecided, not a second score).
    private static readonly string FirstScoreSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = @type
        ORDER BY seq_id LIMIT 1
        """;

    // Who asked for the second round decides whether it slashes (AppealSettlement.Slashes): the filing in the same stream.
    private static readonly string FiledSql = $"""
        SELECT data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = @type AND data->>'appealId' = @appeal
        ORDER BY seq_id LIMIT 1
        """;

    /// <summary>Returns the settlement recorded now, or null when it was settled before or the contribution was never credited.</summary>
    /// <param name="decided">The decision as quality-scoring's history records it, never a message body.</param>
    /// <param name="scoringStream">The stream it was read from, <c>scoring/{contributionId}</c>.</param>
    public async Task<AppealSettled?> SettleAsync(AppealDecided decided, string scoringStream, CancellationToken ct)
    {
        if (!Formats.Hex.TryDecode(decided.ContributionId, out _, 32))
            throw new FormatException($"contribution id {decided.ContributionId} is not 0x-prefixed hex of 32 bytes");
        var contributionId = decided.ContributionId.ToLowerInvariant();
        // A decision without the score it decided on is a damaged history: it throws, settling nothing.
        var scored = await FirstScoreAsync(scoringStream, ct)
            ?? throw new InvalidOperationException($"appeal {decided.AppealId} was decided on contribution {contributionId}, which has no score in {scoringStream}");
        var filed = await FiledAsync(scoringStream, decided.AppealId, ct)
            ?? throw new InvalidOperationException($"appeal {decided.AppealId} was decided on contribution {contributionId}, but {scoringStream} holds no AppealFiled of it");
        var backing = await evidence.ForAsync(scored, ct);
        var schedule = await policies.ScheduleAsync(ct);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var stream = CreditWriter.StreamFor(contributionId);
            var started = await session.Events.FetchStreamAsync(stream, token: ct);
            // Never credited: the follower waits until every score before the decision is credited, so this is a score the
            // ledger did not credit; there is nothing to settle against.
            if (started.Select(e => e.Data).OfType<ContributionRewarded>().FirstOrDefault() is not { } credit)
                return null;
            var paid = started.Select(e => e.Data).OfType<ValidatorsRewarded>().FirstOrDefault();

            // Every account the settlement may move, locked in the one sorted order with the epoch gate shared, as a credit does.
            IEnumerable<string> reviewers = ((IEnumerable<ScoredReview>)[.. decided.FirstRound ?? [], .. decided.Reviews, .. scored.Reviews ?? []])
                .Select(r => Address.Parse(r.Validator));
            await LedgerLocks.ForCreditAsync(session.Connection!,
                reviewers.Concat(paid?.Lines.Select(l => l.Validator) ?? []).Append(credit.Contributor).Distinct(StringComparer.Ordinal), ct);

            // Read again under the locks: a settlement or a reversal recorded meanwhile is seen here.
            var recorded = await session.Events.FetchStreamAsync(stream, token: ct);
            if (recorded.Any(e => e.Data is AppealSettled))
                return null; // one appeal per contribution, settled once
            var creditSequence = recorded.First(e => e.Data is ContributionRewarded).Sequence;
            // Reversed: taken back (RewardAdjusted), or invalidated with nothing to take back yet. A credit of 0 leaves no
            // RewardAdjusted behind its invalidation, so the stream alone would let an appeal decided later pay what the
            // invalidation denies. The activation is read under the contributor's lock, which the reverser holds too: one
            // recorded after this read finds this settlement and takes back the credit as settled.
            var reversed = recorded.Any(e => e.Data is RewardAdjusted)
                || await InvalidationHistory.FirstAsync(session, contributionId, ct) is not null;

            // The policy the credit named, not the one in force now: the appeal corrects the score the credit was priced
            // from, not the rules it was priced by, so a policy passed since (which applies from a later epoch on) changes
            // nothing here, and the correction is what the credit would have been had the first score been the final one.
            var policy = PolicyNamed(schedule, credit.PolicyVersion) ?? PolicyNamed(await policies.ReloadAsync(ct), credit.PolicyVersion)
                ?? throw new InvalidOperationException($"contribution {contributionId} was credited under {credit.PolicyVersion}, which is not on record");
            var earnedBefore = await CreditHistory.EarnedBeforeAsync(session.Connection!, credit.Contributor, credit.Epoch, creditSequence, ct);
            var first = new AppealSettlement.FirstCredit(credit.Contributor, scored.Kind, backing, earnedBefore, TokenAmount.Parse(credit.Amount),
                reversed, paid?.Lines ?? []);
            var result = AppealSettlement.Settle(policy, first, decided, filed.AppellantRole ?? AppealFiled.Contributor, scored.Reviews ?? []);

            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var now = clock.GetUtcNow();
            // The first open epoch, as for a reversal: a closed epoch's root is published and never changes.
            var epoch = state.EpochForCredit(epochs.Value, now);
            var settled = new AppealSettled(contributionId, decided.AppealId, credit.Contributor, decided.FinalScore,
                TokenAmount.Format(result.Credit), TokenAmount.Format(result.ContributorDelta), TokenAmount.Format(result.Pool),
                result.TotalWeight, result.Validators, result.Lines, epoch, credit.PolicyVersion, now, result.Slashes);
            session.Events.Append(stream, settled);
            foreach (var line in result.Lines)
            {
                var delta = AppealSettlement.ParseSigned(line.Amount);
                var account = await session.LoadAsync<LedgerAccount>(line.Account, ct) ?? LedgerAccount.Open(line.Account);
                // The balance moves; what the address earned in an epoch (the cap's measure) does not: the corrected credit was
                // priced with the cap room the first credit had, and validator pay never counts toward the cap.
                account = account.Moved(delta);
                session.Store(account);
                var slashed = result.Slashes.FirstOrDefault(v => v.Validator == line.Account)?.Amount;
                session.Insert(JournalEntry.Settlement(contributionId, line.Account, delta, epoch, credit.PolicyVersion, account.Entries, now, slashed));
            }
            await session.SaveChangesAsync(ct);
            return settled;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // settled by a concurrent leader
        }
    }

    private static RewardPolicy? PolicyNamed(PolicySchedule schedule, string name) =>
        schedule.Records.Select(RewardPolicyRecord.FromEvent).FirstOrDefault(p => p.Name == name);

    private async Task<ContributionScored?> FirstScoreAsync(string scoringStream, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FirstScoreSql);
        command.Parameters.AddWithValue("stream", scoringStream);
        command.Parameters.AddWithValue("type", ScoredType);
        return await command.ExecuteScalarAsync(ct) is string data
            ? JsonSerializer.Deserialize<ContributionScored>(data, OutboxRoutes.HistoryJson)
            : null;
    }

    private async Task<AppealFiled?> FiledAsync(string scoringStream, string appealId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(FiledSql);
        command.Parameters.AddWithValue("stream", scoringStream);
        command.Parameters.AddWithValue("type", FiledType);
        command.Parameters.AddWithValue("appeal", appealId);
        return await command.ExecuteScalarAsync(ct) is string data
            ? JsonSerializer.Deserialize<AppealFiled>(data, OutboxRoutes.HistoryJson)
            : null;
    }
}
