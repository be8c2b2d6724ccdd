using System.Numerics;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Voting weights count a data-value credit, less its reversal, as the claim tree does. A class of its own: it has its own
/// database and clock.
/// </summary>
public sealed class DataValueWeightTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_data_value_taken_back_in_its_own_epoch_adds_no_weight_and_one_left_standing_does()
    {
        // Epoch 1: key 4 (50 earned in epoch 0) is credited a data value of 30 that its invalidation takes back in the same
        // epoch; key 5 (nothing earned) keeps a data value of 7.
        var token = GovernanceSystem.Token;
        await System.DataValueAndCloseAsync(1, Address(4), 30 * token, reversed: true);
        await System.DataValueAndCloseAsync(2, Address(5), 7 * token, reversed: false);

        // Weights are read from the history and checked against the closed epoch's root: a credit or a reversal left out
        // would not match it, and the weight would not be served.
        async Task<BigInteger> EarnedAsync(int key)
        {
            var voter = await System.GetAsync($"/api/voters/{Address(key)}");
            Assert.Equal(2, voter.GetProperty("epoch").GetInt64());
            return BigInteger.Parse(voter.GetProperty("earned").GetString()!);
        }
        Assert.Equal(50 * token, await EarnedAsync(4));
        Assert.Equal(7 * token, await EarnedAsync(5));
    }
}
