using System.Numerics;

namespace CommunityAI.Governance.IntegrationTests;

/// <summary>
/// Voting weights follow a gain credit's reversal as the claim tree does. A class of its own: it has its own database and clock.
/// </summary>
public sealed class GainReversalWeightTests(GovernanceSystem system) : VotingTests(system)
{
    [Fact]
    public async Task A_gain_taken_back_in_its_own_epoch_adds_no_weight_and_one_left_standing_does()
    {
        // Epoch 1: key 4 (50 earned in epoch 0) is credited a gain of 30 that its invalidation takes back in the same epoch;
        // key 5 (nothing earned) keeps a gain of 7.
        var token = GovernanceSystem.Token;
        await System.GainAndCloseAsync(1, Address(4), 30 * token, reversed: true);
        await System.GainAndCloseAsync(2, Address(5), 7 * token, reversed: false);

        // Weights are read from the history and checked against the closed epoch's root: a reversal left out would not match it.
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
