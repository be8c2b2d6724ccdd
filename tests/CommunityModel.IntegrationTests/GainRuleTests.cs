using CommunityAI.CommunityModel.Domain;

namespace CommunityModel.IntegrationTests;

/// <summary>The real-gain rule's exact binomial tail at its edges (McNemar's exact one-sided test, 5%).</summary>
public sealed class GainRuleTests
{
    [Theory]
    [InlineData(5, 0, true)]   // P = 1/32 ≈ 3.1%
    [InlineData(4, 0, false)]  // P = 1/16 = 6.25%: four lucky wins in a row are not a gain
    [InlineData(9, 2, true)]   // P = 67/2048 ≈ 3.3%
    [InlineData(8, 2, false)]  // P = 56/1024 ≈ 5.5%
    [InlineData(3, 5, false)]
    [InlineData(0, 0, false)]
    [InlineData(60, 40, true)] // P ≈ 2.8%
    [InlineData(58, 42, false)] // P ≈ 6.7%
    public void A_gain_is_real_only_below_five_percent(int onlyModelRight, int onlyChampionRight, bool real) =>
        Assert.Equal(real, GainRule.IsReal(onlyModelRight, onlyChampionRight));
}
