using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// Builders' payments as the chain-bridge records them (<see cref="DatasetPaid"/> in <c>chain/revenue/…</c>), over
/// snapshots and scores recorded in their owners' streams, split by the ledger's leader job on the real PostgreSQL.
/// Payments for an unknown snapshot go wholly to the treasury: the tokens are already in the pool on chain, and
/// crediting the treasury keeps the claim trees' total equal to what builders paid.
/// </summary>
public sealed class RevenueSplitTests(ShortEpochLedgerSystem system) : IClassFixture<ShortEpochLedgerSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    [Fact]
    public async Task A_payment_is_split_by_score_exactly_the_remainder_goes_to_the_treasury_and_the_shares_are_claimable()
    {
        _ = system.Api;
        var (alice, bob, carol, dave, treasury) = (Fresh(), Fresh(), Fresh(), Fresh(), Fresh());
        var a1 = Id();
        var a2 = Id();
        var b1 = Id();
        var c1 = Id();
        var d1 = Id();
        await system.RecordAsync([Score(a1, alice, 50), Score(a2, alice, 30), Score(b1, bob, 7)]);
        var root = await SnapshotAsync("contributions/datasets/", a1, a2, b1, c1, d1, a1);
        await system.RecordAsync([Score(d1, dave, 90)]); // scored after the snapshot: not what the snapshot sold
        var amount = Token + 1;

        var paymentId = await PayAsync(root, amount, treasury);
        var split = await SplitOfAsync(paymentId);

        Assert.Equal("split", split.Outcome);
        Assert.Equal(87, split.TotalWeight);
        var aliceShare = amount * 80 / 87;
        var bobShare = amount * 7 / 87;
        var expected = new List<(string, string, string)> { (alice, "contributor", aliceShare.ToString()), (bob, "contributor", bobShare.ToString()) }
            .OrderBy(l => l.Item1, StringComparer.Ordinal).ToList();
        expected.Add((treasury, "treasury", (amount - aliceShare - bobShare).ToString()));
        Assert.Equal(expected, split.Lines.Select(l => (l.Address, l.Role, l.Amount)));
        Assert.DoesNotContain(split.Lines, l => l.Address == carol || l.Address == dave);

        // Balances rise by exactly the shares, on top of whatever the history credited as rewards.
        foreach (var (address, share) in new[] { (alice, aliceShare), (bob, bobShare), (treasury, amount - aliceShare - bobShare) })
        {
            var account = await system.Api.GetFromJsonAsync<JsonElement>($"/api/accounts/{address}");
            Assert.Equal((await RewardsAsync(address) + share).ToString(), account.GetProperty("balance").GetString());
        }

        // The next closed epoch's claim tree holds the shares, and its proofs verify against the recorded root.
        var claim = await Eventually.MatchesAsync(async () =>
            {
                var response = await system.Api.GetAsync($"/api/claims/{alice}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<ClaimView>() : null;
            },
            c => c is not null && c.Epoch >= split.Epoch, "an epoch closed after the split", Patience);
        Assert.Equal(await RewardsAsync(alice, claim!.Epoch) + aliceShare, BigInteger.Parse(claim.Amount));
        Assert.True(ClaimTree.Verify(claim.Root, alice, BigInteger.Parse(claim.Amount), claim.Proof));
        var treasuryClaim = (await system.Api.GetFromJsonAsync<ClaimView>($"/api/claims/{treasury}"))!;
        Assert.Equal(amount - aliceShare - bobShare, BigInteger.Parse(treasuryClaim.Amount));
    }

    [Fact]
    public async Task A_payment_is_split_once_whatever_replicas_and_retries_there_are()
    {
        _ = system.Api;
        system.StartReplica(); // a second leader candidate
        var contributor = Fresh();
        var member = Id();
        await system.RecordAsync([Score(member, contributor, 60)]);
        var root = await SnapshotAsync("contributions/datasets/", member);
        var paymentId = await PayAsync(root, 5 * Token, Fresh());
        var split = await SplitOfAsync(paymentId);

        // The splitter itself, asked again (a leader that lost its lock midway, a retry), records nothing.
        var splitter = system.Services(0).GetRequiredService<RevenueSplitter>();
        var facts = system.Services(0).GetRequiredService<RevenueFacts>();
        var again = await splitter.SplitAsync(await PaymentAsync(paymentId), CancellationToken.None);

        Assert.Null(again);
        Assert.DoesNotContain(await facts.PendingPaymentsAsync(1000, CancellationToken.None), p => p.PaymentId == paymentId);
        Assert.Equal(1, await LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/revenue/{paymentId}'"));
        var account = await system.Api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal((await RewardsAsync(contributor) + 5 * Token).ToString(), account.GetProperty("balance").GetString());
        Assert.Equal("split", split.Outcome);
    }

    [Fact]
    public async Task A_payment_for_an_unknown_snapshot_or_one_recorded_outside_the_contributions_streams_goes_wholly_to_the_treasury()
    {
        _ = system.Api;
        var contributor = Fresh();
        var member = Id();
        await system.RecordAsync([Score(member, contributor, 100)]);
        var forged = await SnapshotAsync("scoring/datasets/", member); // not the contributions service's stream
        var (treasury1, treasury2) = (Fresh(), Fresh());

        var unknown = await SplitOfAsync(await PayAsync(Hex.Encode(RandomNumberGenerator.GetBytes(32)), 777, treasury1));
        var foreign = await SplitOfAsync(await PayAsync(forged, 888, treasury2));

        Assert.Equal(("unknown-snapshot", treasury1, "777"), (unknown.Outcome, Assert.Single(unknown.Lines).Address, unknown.Lines[0].Amount));
        Assert.Equal(("unknown-snapshot", treasury2, "888"), (foreign.Outcome, Assert.Single(foreign.Lines).Address, foreign.Lines[0].Amount));
        Assert.Equal(await RewardsAsync(contributor), await BalanceAsync(contributor));
    }

    [Fact]
    public async Task Malformed_payments_and_payments_outside_the_chain_bridges_streams_credit_nothing()
    {
        _ = system.Api;
        var contributor = Fresh();
        var member = Id();
        await system.RecordAsync([Score(member, contributor, 100)]);
        var root = await SnapshotAsync("contributions/datasets/", member);
        var treasury = Fresh();
        var bad = new List<string>();
        foreach (var amount in new[] { "0", "-5", "1e18", "340282366920938463463374607431768211456", "" })
            bad.Add(await PayAsync(root, amount, treasury));
        bad.Add(await PayAsync(root, "1000", "not-an-address"));
        bad.Add(await PayAsync(root, "1000", treasury, streamPrefix: "contributions/revenue/"));
        bad.Add(await PayAsync(root, "1000", treasury, streamId: "chain/revenue/0xother:1"));

        // A good payment recorded after them is split, so the job has looked at all of them.
        var good = await SplitOfAsync(await PayAsync(root, "10", treasury));

        Assert.Equal("10", Assert.Single(good.Lines).Amount);
        foreach (var id in bad)
            Assert.Equal(0, await LedgerSql.CountAsync(system.History, $"SELECT count(*) FROM history.mt_events WHERE stream_id = 'ledger/revenue/{id}'"));
        Assert.Equal(await RewardsAsync(contributor) + 10, await BalanceAsync(contributor));
        Assert.Equal(BigInteger.Zero, await BalanceAsync(treasury));
    }

    private static string Fresh() => Address.Parse(LedgerSystem.RandomAddress());

    private static string Id() => Hex.Encode(RandomNumberGenerator.GetBytes(32));

    private static ContributionScored Score(string id, string contributor, int score) =>
        new(id, contributor, "data", score, "scoring-1", DateTimeOffset.UtcNow);

    /// <summary>Records a snapshot of <paramref name="members"/> under <paramref name="streamPrefix"/>; returns its root.</summary>
    private async Task<string> SnapshotAsync(string streamPrefix, params string[] members)
    {
        var root = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var snapshot = new DatasetSnapshotted(root, Fresh(), "data", 0, "CC0-1.0", members.Length,
            [.. members.Select(m => new DatasetMember(m, Hex.Encode(RandomNumberGenerator.GetBytes(32))))], "1", 4_000_000_000,
            "0x" + new string('1', 130), DateTimeOffset.UtcNow);
        await system.AppendAsync(streamPrefix + root, snapshot);
        return root;
    }

    private Task<string> PayAsync(string root, BigInteger amount, string treasury) => PayAsync(root, amount.ToString(), treasury);

    /// <summary>Records a payment as the chain-bridge does; returns its id.</summary>
    private async Task<string> PayAsync(string root, string amount, string treasury, string streamPrefix = "chain/revenue/", string? streamId = null)
    {
        var tx = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var paymentId = tx + ":1";
        var paid = new DatasetPaid(paymentId, root, Fresh(), amount, treasury, 31337, Fresh(), tx, 10, Hex.Encode(RandomNumberGenerator.GetBytes(32)), 1,
            DateTimeOffset.UtcNow);
        await system.AppendAsync(streamId ?? streamPrefix + paymentId, paid);
        return paymentId;
    }

    private async Task<DatasetPaid> PaymentAsync(string paymentId)
    {
        var json = await Eventually.MatchesAsync(() => TextAsync($"SELECT data::text FROM history.mt_events WHERE stream_id = 'chain/revenue/{paymentId}'"),
            t => t is not null, "the payment", Patience);
        return JsonSerializer.Deserialize<DatasetPaid>(json!, JsonSerializerOptions.Web)!;
    }

    private async Task<RevenueSplit> SplitOfAsync(string paymentId)
    {
        var json = await Eventually.MatchesAsync(() => TextAsync($"SELECT data::text FROM history.mt_events WHERE stream_id = 'ledger/revenue/{paymentId}'"),
            t => t is not null, $"payment {paymentId} split", Patience);
        return JsonSerializer.Deserialize<RevenueSplit>(json!, JsonSerializerOptions.Web)!;
    }

    private async Task<string?> TextAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>What the history credited <paramref name="address"/> as rewards (up to an epoch): the base the shares add to.</summary>
    private Task<BigInteger> RewardsAsync(string address, long epoch = long.MaxValue) => LedgerSql.SumAsync(system.History,
        $"SELECT sum((data->>'amount')::numeric) FROM history.mt_events WHERE type = 'contribution_rewarded' AND data->>'contributor' = '{address}' AND (data->>'epoch')::bigint <= {epoch}");

    private async Task<BigInteger> BalanceAsync(string address)
    {
        var response = await system.Api.GetAsync($"/api/accounts/{address}");
        return response.StatusCode == HttpStatusCode.NotFound
            ? BigInteger.Zero
            : BigInteger.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("balance").GetString()!);
    }
}
