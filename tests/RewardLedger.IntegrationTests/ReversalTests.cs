using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats.Claims;
using CommunityAI.Formats.Signing;
using CommunityAI.RewardLedger.Domain;
using CommunityAI.RewardLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexConvertors.Extensions;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// A passed contribution-invalidation reverses the reward through the real path: scores followed from the history, epochs
/// closed in the real PostgreSQL, governance's activation read from the stored history, roots published on a real
/// distributor on anvil and claimed there. The published cumulative amount never goes down, so what was claimed stays
/// claimed, and later earnings pay the debt before the claim rises again.
/// </summary>
public sealed class ReversalTests(ReversalLedgerSystem system, DistributorChain chain)
    : IClassFixture<ReversalLedgerSystem>, IClassFixture<DistributorChain>
{
    private sealed record ClaimView(string Address, string Amount, long Epoch, string Root, string[] Proof);

    private sealed record NodeAnswer(string Root, bool[] Verified);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_invalidated_reward_is_debited_once_the_claim_never_goes_down_and_later_earnings_pay_the_debt_before_the_claim_rises()
    {
        var api = system.Api;
        var contributor = Address.Parse(AnvilNode.DevAddresses[6]);
        using var publisher = chain.SenderFor(DistributorChain.PublisherKey);
        using var relayer = chain.SenderFor(AnvilNode.DevPrivateKeys[2]);
        var publishing = new DistributorContract(publisher, chain.Contracts.DistributorAddress);
        var claiming = new DistributorContract(relayer, chain.Contracts.DistributorAddress);

        // Epoch 1: the contributor earns and claims on chain.
        var first = LedgerSystem.Scored(contributor, 90);
        await system.PublishAsync([first]);
        var (earned, earnedIn) = await CreditAsync(first.ContributionId);
        var claim1 = await ClaimCoveringAsync(api, contributor, earnedIn);
        Assert.Equal(earned, BigInteger.Parse(claim1.Amount));
        await PublishAsync(publishing, claim1, [(contributor, earned)]);
        Assert.Equal(earned, (await claiming.ClaimAsync(contributor, earned, Proof(claim1))).Paid);

        // The community invalidates the contribution; governance records the activation after the vote and the timelock.
        var payload = JsonSerializer.Serialize(new { contributionId = first.ContributionId, reason = "plagiarised from a public corpus" });
        var proposal = await system.ActivateAsync("contribution-invalidation", payload);
        await Eventually.MatchesAsync(Adjustments, n => n == 1, "the reversal", Patience);
        var adjusted = await AdjustmentAsync(first.ContributionId);
        Assert.Equal("-" + earned, adjusted.GetProperty("amount").GetString());
        Assert.Equal(contributor, adjusted.GetProperty("account").GetString());
        Assert.Equal(proposal, adjusted.GetProperty("proposalId").GetString());
        Assert.Equal("plagiarised from a public corpus", adjusted.GetProperty("reason").GetString());
        var debitEpoch = adjusted.GetProperty("epoch").GetInt64();
        Assert.True(debitEpoch > claim1.Epoch, "the debit lands in an epoch still open, never in a published one");

        // Seen twice: a second proposal invalidating the same contribution, the first activation read again by a new leader
        // after a restart that lost the feed's checkpoint, and the reverser called directly. Still one reversal.
        var second = await system.ActivateAsync("contribution-invalidation", payload);
        var reread = await LedgerSql.CountAsync(system.History, $"SELECT max(seq_id) FROM history.mt_events WHERE stream_id = 'governance/proposals/{second}'");
        await Eventually.MatchesAsync(InvalidationCheckpoint, n => n >= reread, "the follower past the second activation", Patience);
        api = system.StartReplica();
        await system.StopReplicaAsync(0);
        await LedgerSql.ExecuteAsync(system.History, "UPDATE ledger.mt_doc_followercheckpoint SET data = jsonb_set(data, '{sequence}', '0') WHERE id = 'invalidations-documented'");
        await Eventually.MatchesAsync(InvalidationCheckpoint, n => n >= reread, "the new leader to read every activation again", Patience);
        Assert.Null(await system.Services(1).GetRequiredService<RewardReverser>().ReverseAsync(
            new Invalidation(first.ContributionId, "again", proposal), default));
        Assert.Equal(1, await Adjustments());

        // The journal stays balanced: the contributor gives the reward back to the emission account it came from.
        var account = await api.GetFromJsonAsync<JsonElement>($"/api/accounts/{contributor}");
        Assert.Equal("0", account.GetProperty("balance").GetString());
        var reversal = account.GetProperty("items").EnumerateArray().First();
        Assert.Equal(JournalEntry.ReversalId(first.ContributionId), reversal.GetProperty("id").GetString());
        Assert.Equal(0, reversal.GetProperty("lines").EnumerateArray().Aggregate(BigInteger.Zero, (s, l) => s + BigInteger.Parse(l.GetProperty("amount").GetString()!)));

        // Epoch 2 (the debit's): the leaf stays at epoch 1's amount and a claim pays nothing more.
        var claim2 = await ClaimCoveringAsync(api, contributor, debitEpoch);
        Assert.Equal(earned, BigInteger.Parse(claim2.Amount));
        await PublishAsync(publishing, claim2, [(contributor, earned)]);
        var nothing = await Assert.ThrowsAsync<ContractRevertedException>(() => claiming.ClaimAsync(contributor, earned, Proof(claim2)));
        Assert.Equal("NothingToClaim", nothing.ErrorName);

        // Epoch 3: new earnings below the debt are absorbed; the leaf does not move.
        var smaller = LedgerSystem.Scored(contributor, 60);
        await system.PublishAsync([smaller]);
        var (absorbed, absorbedIn) = await CreditAsync(smaller.ContributionId);
        Assert.True(absorbed > 0 && absorbed < earned, $"the test needs a credit below the debt: {absorbed} against {earned}");
        var claim3 = await ClaimCoveringAsync(api, contributor, absorbedIn);
        Assert.Equal(earned, BigInteger.Parse(claim3.Amount));

        // Then the debt is paid and the amount rises by the remainder only, claimable on chain exactly.
        var more = LedgerSystem.Scored(contributor, 80);
        await system.PublishAsync([more]);
        var (added, addedIn) = await CreditAsync(more.ContributionId);
        Assert.True(absorbed + added > earned, "the test needs credits that pay off the debt");
        var claim4 = await ClaimCoveringAsync(api, contributor, addedIn);
        Assert.Equal(absorbed + added, BigInteger.Parse(claim4.Amount)); // credits minus the debit: 0 + absorbed + added
        await PublishAsync(publishing, claim4, [(contributor, absorbed + added)]);
        var paid = await claiming.ClaimAsync(contributor, absorbed + added, Proof(claim4));
        Assert.Equal(absorbed + added - earned, paid.Paid);
        Assert.Equal(absorbed + added, await claiming.ClaimedAsync(contributor));
    }

    private Task<long> Adjustments() =>
        LedgerSql.CountAsync(system.History, "SELECT count(*) FROM history.mt_events WHERE type = 'reward_adjusted'");

    private Task<long> InvalidationCheckpoint() => LedgerSql.CountAsync(system.History,
        "SELECT coalesce(max((data->>'sequence')::bigint), 0) FROM ledger.mt_doc_followercheckpoint WHERE id = 'invalidations-documented'");

    private async Task<JsonElement> AdjustmentAsync(string contributionId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT data::text FROM history.mt_events WHERE type = 'reward_adjusted' AND stream_id = 'ledger/credits/{contributionId}'", connection);
        return JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement.Clone();
    }

    /// <summary>The contribution's credit as the history records it, once the ledger made it.</summary>
    private async Task<(BigInteger Amount, long Epoch)> CreditAsync(string contributionId)
    {
        await Eventually.MatchesAsync(() => system.CreditsAsync($"stream_id = 'ledger/credits/{contributionId}'"), n => n == 1, "the credit", Patience);
        var amount = await LedgerSql.SumAsync(system.History,
            $"SELECT (data->>'amount')::numeric FROM history.mt_events WHERE type = 'contribution_rewarded' AND stream_id = 'ledger/credits/{contributionId}'");
        var epoch = await LedgerSql.CountAsync(system.History,
            $"SELECT (data->>'epoch')::bigint FROM history.mt_events WHERE type = 'contribution_rewarded' AND stream_id = 'ledger/credits/{contributionId}'");
        return (amount, epoch);
    }

    /// <summary>The served claim once the newest closed epoch is at or after <paramref name="epoch"/>, checked with OpenZeppelin's merkle-tree.</summary>
    private static async Task<ClaimView> ClaimCoveringAsync(HttpClient api, string address, long epoch)
    {
        var claim = await Eventually.MatchesAsync(async () =>
            {
                var response = await api.GetAsync($"/api/claims/{address}");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<ClaimView>() : null;
            },
            c => c is not null && c.Epoch >= epoch, $"an epoch at or after {epoch} to close", Patience);
        var input = JsonSerializer.Serialize(new
        {
            values = new[] { new[] { claim!.Address, claim.Amount } },
            root = claim.Root,
            claims = new[] { new { address = claim.Address, amount = claim.Amount, proof = claim.Proof } },
        });
        var answer = JsonSerializer.Deserialize<NodeAnswer>(
            await NodeReference.RunAsync("tests/RewardLedger.IntegrationTests/verify-claims.mjs", input), JsonSerializerOptions.Web)!;
        Assert.Equal(answer.Root, claim.Root);
        Assert.All(answer.Verified, Assert.True);
        return claim;
    }

    /// <summary>Publishes the claim's epoch root on the distributor, after checking it is the tree of the expected leaves.</summary>
    private static async Task PublishAsync(DistributorContract distributor, ClaimView claim, (string Address, BigInteger Amount)[] expected)
    {
        var tree = ClaimTree.Build(expected);
        Assert.Equal(tree.Root, claim.Root);
        await distributor.PublishRootAsync((ulong)claim.Epoch, claim.Root.HexToByteArray(), tree.Total);
    }

    private static byte[][] Proof(ClaimView claim) => [.. claim.Proof.Select(h => h.HexToByteArray())];
}
