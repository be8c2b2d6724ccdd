using System.Numerics;
using System.Text.Json;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Voting weights follow an appeal's settlement as the claim tree does. A class of its own: it has its own database and clock.
/// </summary>
public sealed class AppealSettlementWeightTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_settlement_raises_a_weight_and_a_debit_never_lowers_one_below_what_the_claim_tree_published()
    {
        // Epoch 1: an appeal gives key 3 (100 earned) 40 more, takes 120 from key 2 (300 earned) and pays key 5 (nothing earned) 7.
        var token = GovernanceSystem.Token;
        await System.SettleAndCloseAsync(1, new Dictionary<string, BigInteger>
        {
            [Address(2)] = -120 * token, [Address(3)] = 40 * token, [Address(5)] = 7 * token,
        });

        // Weights are read from the history and checked against the closed epoch's root: a settlement left out would not match it.
        async Task<BigInteger> EarnedAsync(int key)
        {
            var voter = await System.GetAsync($"/api/voters/{Address(key)}");
            Assert.Equal(1, voter.GetProperty("epoch").GetInt64());
            return BigInteger.Parse(voter.GetProperty("earned").GetString()!);
        }
        Assert.Equal(140 * token, await EarnedAsync(3));
        Assert.Equal(7 * token, await EarnedAsync(5));
        // 300 was published for key 2 in epoch 0; its claim never goes down, and neither does the weight built from it.
        Assert.Equal(300 * token, await EarnedAsync(2));
    }
}
