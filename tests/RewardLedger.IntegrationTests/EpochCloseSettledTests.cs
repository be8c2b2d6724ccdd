using System.Numerics;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// An epoch close sums most of the history before it takes the epoch gate, up to a sequence every transaction before
/// has settled at, and only what came after under the gate (<see cref="EpochCloser"/>). A credit that drew its sequence
/// number before the close began but had not committed must still count: the close waits for it instead of reading
/// past it, and the reads before and under the gate count each entry once.
/// </summary>
public sealed class EpochCloseSettledTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task A_credit_still_open_when_the_close_begins_counts_in_the_epoch_once()
    {
        var (address, closer, epoch) = await CreditedAsync();

        // A credit as the writer makes one: the epoch gate shared and the account's lock, its event drawn a sequence
        // number, and the transaction left open while the close begins.
        await using var open = new NpgsqlConnection(system.History);
        await open.OpenAsync();
        await using var transaction = await open.BeginTransactionAsync();
        await LedgerLocks.ForCreditAsync(open, [address], default);
        await AppendLateCreditAsync(open, transaction, address);

        var closing = closer.CloseAsync(epoch, default);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(closing.IsCompleted); // it waits for the open credit, before the gate or at it
        await transaction.CommitAsync();
        var closed = await closing ?? throw new InvalidOperationException($"epoch {epoch} was closed already");

        await AssertTheCloseCountsEveryRewardOnceAsync(closed, address);
    }

    [Fact]
    public async Task A_credit_begun_after_the_settled_sequence_and_committed_before_the_gate_counts_in_the_epoch_once()
    {
        var (address, closer, epoch) = await CreditedAsync();

        // Another transaction open when the close begins holds it before the gate (it waits for the settled sequence)...
        await using var other = new NpgsqlConnection(system.History);
        await other.OpenAsync();
        await using var holding = await other.BeginTransactionAsync();
        await using (var first = new NpgsqlCommand("SELECT 1", other, holding))
            await first.ExecuteScalarAsync();
        var closing = closer.CloseAsync(epoch, default);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        // ...while a credit begins after the sequence was read and holds the gate: the close reads up to the settled
        // sequence without it, then waits at the gate, and must find it after.
        await using var open = new NpgsqlConnection(system.History);
        await open.OpenAsync();
        await using var transaction = await open.BeginTransactionAsync();
        await LedgerLocks.ForCreditAsync(open, [address], default);
        await AppendLateCreditAsync(open, transaction, address);
        await holding.CommitAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(closing.IsCompleted);
        await transaction.CommitAsync();
        var closed = await closing ?? throw new InvalidOperationException($"epoch {epoch} was closed already");

        await AssertTheCloseCountsEveryRewardOnceAsync(closed, address);
    }

    // A new address credited once, and the epoch to close next (the one its credit is in).
    private async Task<(string Address, EpochCloser Closer, long Epoch)> CreditedAsync()
    {
        _ = system.Api;
        var address = LedgerSystem.RandomAddress();
        await system.PublishAsync([LedgerSystem.Scored(address, 80)]);
        await Eventually.MatchesAsync(() => system.CreditsAsync($"lower(data->>'contributor') = lower('{address}')"), n => n == 1, "the credit");
        var closer = system.Services(0).GetRequiredService<EpochCloser>();
        return (address, closer, await closer.NextToCloseAsync(default) ?? throw new InvalidOperationException("nothing credited"));
    }

    // A second reward of 777 base units to the address, in the epoch of its first, with a sequence number drawn now.
    private static async Task AppendLateCreditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string address)
    {
        await using var late = new NpgsqlCommand($$"""
            INSERT INTO history.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            SELECT nextval('history.mt_events_sequence'), gen_random_uuid(), stream_id, version + 1,
                   jsonb_set(data, '{amount}', '"777"'), type, now(), tenant_id, mt_dotnet_type, false
            FROM history.mt_events WHERE type = 'contribution_rewarded' AND lower(data->>'contributor') = lower('{{address}}')
            """, connection, transaction);
        Assert.Equal(1, await late.ExecuteNonQueryAsync());
    }

    // Every reward in the history is in the close once: the address's two and the whole cumulative total.
    private async Task AssertTheCloseCountsEveryRewardOnceAsync(ClosedEpoch closed, string address)
    {
        var credited = await LedgerSql.SumAsync(system.History, $"""
            SELECT sum((data->>'amount')::numeric) FROM history.mt_events
            WHERE type = 'contribution_rewarded' AND lower(data->>'contributor') = lower('{address}')
            """);
        Assert.Equal(credited, BigInteger.Parse(closed.Claims.Single(c => string.Equals(c.Address, address, StringComparison.OrdinalIgnoreCase)).Amount));
        Assert.Equal(await LedgerSql.SumAsync(system.History, "SELECT sum((data->>'amount')::numeric) FROM history.mt_events WHERE type = 'contribution_rewarded'"),
            BigInteger.Parse(closed.Closed.CumulativeTotal));
    }
}
