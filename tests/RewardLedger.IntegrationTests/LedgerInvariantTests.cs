using CommunityAI.Formats.Policies;
using System.Numerics;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;

namespace CommunityAI.RewardLedger.IntegrationTests;

public class LedgerInvariantTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    // Delivered twice each: 2,400 deliveries, sized to finish well within a minute on a busy 2-core machine.
    private const int Contributions = 1_200;
    private const int Contributors = 150;

    [Fact]
    public async Task Every_contribution_is_credited_once_and_the_books_balance_after_duplicate_out_of_order_delivery_to_two_replicas()
    {
        system.StartReplica();
        system.StartReplica();
        var addresses = Enumerable.Range(0, Contributors).Select(_ => LedgerSystem.RandomAddress()).ToList();
        var scored = Enumerable.Range(0, Contributions)
            .Select(i => LedgerSystem.Scored(addresses[i % Contributors], score: i % 101, kind: RewardPolicy.Kinds.ElementAt(i % 4)))
            .ToList();

        // Every message twice, shuffled, shared by two competing consumers on one queue.
        var deliveries = scored.Concat(scored).OrderBy(_ => Random.Shared.Next()).ToList();
        await system.PublishAsync(deliveries);

        await Eventually.MatchesAsync(
            () => LedgerSql.CountAsync(system.History, "SELECT count(*) FROM ledger.mt_doc_journalentry"),
            n => n >= Contributions, "every contribution to be credited", TimeSpan.FromSeconds(120));
        await Task.Delay(1_000); // let any duplicate still in flight arrive, so a second credit would show

        var history = system.History;
        Assert.Equal(Contributions, await LedgerSql.CountAsync(history, "SELECT count(*) FROM history.mt_events WHERE type = 'contribution_rewarded'"));
        Assert.Equal(Contributions, await LedgerSql.CountAsync(history, "SELECT count(*) FROM ledger.mt_doc_journalentry"));

        // Double entry: every line of every entry sums to zero; emission gave exactly what was credited.
        var allLines = await LedgerSql.SumAsync(history,
            "SELECT sum((l->>'amount')::numeric) FROM ledger.mt_doc_journalentry, jsonb_array_elements(data->'lines') l");
        var emission = await LedgerSql.SumAsync(history,
            "SELECT sum((l->>'amount')::numeric) FROM ledger.mt_doc_journalentry, jsonb_array_elements(data->'lines') l WHERE l->>'account' = 'emission'");
        var credited = await LedgerSql.SumAsync(history,
            "SELECT sum((data->>'amount')::numeric) FROM history.mt_events WHERE type = 'contribution_rewarded'");
        var balances = await LedgerSql.SumAsync(history, "SELECT sum((data->>'balance')::numeric) FROM ledger.mt_doc_ledgeraccount");
        Assert.Equal(BigInteger.Zero, allLines);
        Assert.Equal(-credited, emission);
        Assert.Equal(credited, balances);
        Assert.Equal(BigInteger.Zero, emission + balances);

        // Below the cap, the total is order-independent: exactly what the policy gives each score once.
        var expected = scored.Aggregate(BigInteger.Zero, (sum, s) => sum + RewardPolicy.Initial.RewardFor(s.Kind, s.Score, 0));
        Assert.Equal(expected, credited);

        // Each account's balance and entry count agree with its journal entries.
        var perAccount = await LedgerSql.RowsAsync(history, """
            SELECT a.id, ((a.data->>'balance')::numeric - coalesce(sum((e.data->>'amount')::numeric), 0))::text
            FROM ledger.mt_doc_ledgeraccount a LEFT JOIN ledger.mt_doc_journalentry e ON e.data->>'contributor' = a.id
            GROUP BY a.id, a.data HAVING (a.data->>'entries')::bigint = count(e.id)
            """);
        Assert.Equal(Contributors, perAccount.Count);
        Assert.All(perAccount, row => Assert.Equal(BigInteger.Zero, row.Amount));
        Assert.All(perAccount, row => Assert.Equal(Address.Parse(row.Address), row.Address));
    }
}
