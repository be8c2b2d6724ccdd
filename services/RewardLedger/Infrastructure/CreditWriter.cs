using CommunityAI.Formats.Policies;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.Epochs;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits a scored contribution exactly once. One transaction records the credit's history event (stream
/// <c>ledger/credits/{contributionId}</c>, which the store refuses to start twice), its journal entry (id = the
/// contribution id, refused twice too) and the contributor's account, so a batch read again after a crash, a second
/// leader or a restart finds the credit done and changes nothing. The validators who decided the case by consensus are
/// paid in the same transaction and stream (<see cref="ValidatorsRewarded"/>), so they too are paid exactly once.
/// </summary>
public sealed class CreditWriter(
    IDocumentStore store, PolicyBook policies, ContributionEvidence evidence, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    public static string StreamFor(string contributionId) => Extensions.StreamPrefix + "credits/" + contributionId;

    /// <summary>Returns the credit recorded now, or null when the contribution was credited before.</summary>
    /// <param name="scored">The score as quality-scoring's history records it, never a message body alone.</param>
    public async Task<ContributionRewarded?> CreditAsync(ContributionScored scored, CancellationToken ct)
    {
        // A malformed address in quality-scoring's own streams is a damaged history: it throws, crediting nothing.
        var contributor = Address.Parse(scored.Contributor);
        if (!Formats.Hex.TryDecode(scored.ContributionId, out _, 32))
            throw new FormatException($"contribution id {scored.ContributionId} is not 0x-prefixed hex of 32 bytes");
        var contributionId = scored.ContributionId.ToLowerInvariant();
        var schedule = await policies.ScheduleAsync(ct);
        var backing = await evidence.ForAsync(scored, ct);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            if (await session.LoadAsync<JournalEntry>(contributionId, ct) is not null)
                return null;
            // The reviewers' accounts are written too when a policy pays validators: their locks are taken with the
            // contributor's, in the one sorted order, so two credits paying one validator never lose an update.
            var reviewers = ReviewersOf(scored);
            var lockedReviewers = reviewers.Count > 0 && schedule.Records.Any(r => r.ValidatorShareBasisPoints > 0);
            List<string> locked = lockedReviewers ? [contributor, .. reviewers] : [contributor];
            await LedgerLocks.ForCreditAsync(session.Connection!, locked, ct);

            // Read after the locks: the newest closed epoch and the account as the last credit left them.
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var account = await session.LoadAsync<LedgerAccount>(contributor, ct) ?? LedgerAccount.Open(contributor);
            var now = clock.GetUtcNow();
            var epoch = state.EpochForCredit(epochs.Value, now);
            if (state.Policies > schedule.Records.Count)
                schedule = await policies.ReloadAsync(ct); // a policy was recorded since the cache was read
            var policy = schedule.For(epoch);
            var amount = policy.RewardFor(scored.Kind, scored.Score, account.EarnedIn(epoch), backing);

            var rewarded = new ContributionRewarded(contributionId, contributor, TokenAmount.Format(amount), epoch, policy.Name, now);
            var pay = reviewers.Count == 0 ? null : ValidatorsPaid(scored, policy, contributionId, epoch, now);
            if (pay is not null && !lockedReviewers)
            {
                // Only when a policy paying validators was recorded after the schedule was cached: taking these locks after
                // the contributor's can meet a credit taking them in sorted order, which PostgreSQL ends as a deadlock;
                // the batch is then read again and credited once.
                await LedgerLocks.ForCreditAsync(session.Connection!, reviewers, ct);
            }
            object[] recorded = pay is null ? [rewarded] : [rewarded, pay];
            session.Events.StartStream(StreamFor(contributionId), recorded);
            session.Insert(JournalEntry.Credit(contributionId, contributor, amount, epoch, policy.Name, account.Entries + 1, now));
            var accounts = new Dictionary<string, LedgerAccount>(StringComparer.Ordinal) { [contributor] = account.Post(amount, epoch) };
            foreach (var line in pay?.Lines ?? [])
            {
                // Validator pay adds to the balance but not to what the address earned in the epoch: the per-address cap
                // limits contributors' rewards, and a case's pool is fixed by its own score and policy, in any order.
                var paid = accounts.GetValueOrDefault(line.Validator)
                    ?? await session.LoadAsync<LedgerAccount>(line.Validator, ct) ?? LedgerAccount.Open(line.Validator);
                paid = paid with { Balance = TokenAmount.Format(TokenAmount.Parse(paid.Balance) + TokenAmount.Parse(line.Amount)), Entries = paid.Entries + 1 };
                accounts[line.Validator] = paid;
                session.Insert(JournalEntry.Credit(ValidatorEntryId(contributionId, line.Validator), line.Validator, TokenAmount.Parse(line.Amount),
                    epoch, policy.Name, paid.Entries, now));
            }
            foreach (var changed in accounts.Values)
                session.Store(changed);
            await session.SaveChangesAsync(ct);
            return rewarded;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // credited by a concurrent delivery
        }
    }

    /// <summary>The journal entry of a validator's pay for a case.</summary>
    public static string ValidatorEntryId(string contributionId, string validator) => $"validators:{contributionId}:{validator}";

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
