using System.Numerics;
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
/// Splits one recorded payment exactly once. One transaction records the <see cref="RevenueSplit"/> (stream
/// <c>ledger/revenue/{paymentId}</c>, which the store refuses to start twice), a journal entry per line and each credited
/// account, so a second leader or a restart finds the split done and changes nothing. The lines are credits like
/// rewards: <see cref="CreditHistory"/> adds them to the claim trees of the epoch they name.
/// </summary>
public sealed class RevenueSplitter(IDocumentStore store, RevenueFacts facts, RewardPolicyBook policies, IOptions<EpochOptions> epochs, TimeProvider clock)
{
    /// <summary>The journal's account every revenue credit comes from: minus everything builders paid.</summary>
    public const string RevenueAccount = "revenue";

    /// <summary>The largest payment the pool accepts (uint128): a larger one was never made on chain.</summary>
    public static readonly BigInteger MaxPayment = BigInteger.Pow(2, 128) - 1;

    public static string StreamFor(string paymentId) => Extensions.StreamPrefix + "revenue/" + paymentId;

    /// <summary>Why <paramref name="payment"/> cannot be split, or null when it can.</summary>
    public static string? Refusal(DatasetPaid payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.Amount is not { Length: > 0 and <= 39 } text || !text.All(char.IsAsciiDigit) || TokenAmount.Parse(text) is var amount && (amount <= 0 || amount > MaxPayment))
            return $"amount {payment.Amount} is not a whole number of base units between 1 and 2^128-1";
        if (!Address.TryParse(payment.Treasury, out _))
            return $"treasury {payment.Treasury} is not an address";
        if (!Formats.Hex.TryDecode(payment.SnapshotRoot, out _, 32))
            return $"snapshot root {payment.SnapshotRoot} is not 0x-prefixed hex of 32 bytes";
        return null;
    }

    /// <summary>Returns the split recorded now, or null when the payment was split before.</summary>
    /// <exception cref="ArgumentException">The payment cannot be split (<see cref="Refusal"/>).</exception>
    public async Task<RevenueSplit?> SplitAsync(DatasetPaid payment, CancellationToken ct)
    {
        if (Refusal(payment) is { } refusal)
            throw new ArgumentException(refusal, nameof(payment));
        var amount = TokenAmount.Parse(payment.Amount);
        var treasury = Address.Parse(payment.Treasury);
        var weights = await facts.WeightsAsync(payment.SnapshotRoot, ct);
        var schedule = await policies.ScheduleAsync(ct);
        try
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            // Every address the split may credit, whatever share the policy gives validators, in the one sorted order.
            await LedgerLocks.ForRevenueAsync(session.Connection!,
                [treasury, .. weights?.Contributors.Keys ?? [], .. weights?.Validators.Keys ?? []], ct);
            var state = await session.LoadAsync<EpochState>(EpochState.Key, ct) ?? EpochState.None;
            var now = clock.GetUtcNow();
            var epoch = state.EpochForCredit(epochs.Value, now);
            if (state.Policies > schedule.Records.Count)
                schedule = await policies.ReloadAsync(ct); // a policy was recorded since the cache was read
            // The validators' share of the policy in force in the epoch the lines are credited to, as for rewards.
            var policy = schedule.For(epoch);
            var division = RevenueSharing.Divide(amount, weights?.Contributors, treasury, weights?.Validators, policy.DatasetValidatorShareBasisPoints);
            var lines = division.Lines;
            var split = new RevenueSplit(payment.PaymentId, payment.SnapshotRoot.ToLowerInvariant(), payment.Amount, treasury, division.Outcome,
                division.TotalWeight, epoch, lines, now, policy.Name, TokenAmount.Format(division.ValidatorPool), division.ValidatorWeight);
            session.Events.StartStream(StreamFor(payment.PaymentId), split);
            // The treasury may also be a contributor: one account per address, however many lines it has.
            var accounts = new Dictionary<string, LedgerAccount>(StringComparer.Ordinal);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                var share = TokenAmount.Parse(line.Amount);
                // Revenue adds to the balance but not to what the address earned in the epoch: the reward policy's
                // per-epoch cap limits emission, not what builders pay.
                var account = accounts.GetValueOrDefault(line.Address)
                    ?? await session.LoadAsync<LedgerAccount>(line.Address, ct) ?? LedgerAccount.Open(line.Address);
                account = account.Moved(share);
                accounts[line.Address] = account;
                session.Insert(new JournalEntry($"revenue:{payment.PaymentId}:{i}", line.Address, line.Amount, epoch, RevenueAccount,
                    account.Entries, now, [new Posting(RevenueAccount, TokenAmount.Format(-share)), new Posting(line.Address, line.Amount)]));
            }
            foreach (var account in accounts.Values)
                session.Store(account);
            await session.SaveChangesAsync(ct);
            return split;
        }
        catch (Exception ex) when (StoreConflicts.IsDuplicate(ex))
        {
            return null; // split by another leader in the meantime
        }
    }
}
