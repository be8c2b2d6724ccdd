using CommunityAI.Formats.Policies;
using CommunityAI.Contracts;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.ServiceDefaults.History;
using Marten;
using Microsoft.Extensions.Options;

namespace CommunityAI.RewardLedger.Infrastructure;

/// <summary>
/// Credits a scored contribution exactly once. One transaction records the credit's history event (stream
/// <c>ledger/credits/{contributionId}</c>, which the store refuses to start twice), its journal entry (id = the
/// contribution id, refused twice too) and the contributor's account, so a batch read again after a crash, a second
/// leader or a restart finds the credit done and changes nothing.
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
            await LedgerLocks.ForCreditAsync(session.Connection!, contributor, ct);

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
            session.Events.StartStream(StreamFor(contributionId), rewarded);
            session.Insert(JournalEntry.Credit(contributionId, contributor, amount, epoch, policy.Name, account.Entries + 1, now));
            session.Store(account.Post(amount, epoch));
            await session.SaveChangesAsync(ct);
            return rewarded;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // credited by a concurrent delivery
        }
    }
}
