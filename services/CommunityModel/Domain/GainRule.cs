using System.Numerics;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>
/// When a contributed model's gain over the champion is real, pure. Both are run on the same examples; only the
/// examples exactly one of them got right tell them apart. The gain is real when the contributed model got more of
/// those right and McNemar's exact one-sided test puts the chance of doing that well by luck below 5%
/// (<see cref="MaxPValueBasisPoints"/>): P(X ≥ b) for X ~ Binomial(b + c, ½), computed exactly in integers.
/// </summary>
/// <remarks>
/// Stricter than the trained model's rule (<see cref="ChampionRule"/>, any strict gain) on purpose: anyone may submit
/// models, as many as they like, and among enough submissions one would beat the champion by one lucky example; the
/// service trains one model per round. With no disagreement, or fewer than five wins, no gain is real.
/// </remarks>
public static class GainRule
{
    /// <summary>The test's level: 5% (500 basis points).</summary>
    public const int MaxPValueBasisPoints = 500;

    /// <param name="onlyModelRight">Examples the contributed model got right and the champion wrong (b).</param>
    /// <param name="onlyChampionRight">Examples the champion got right and the contributed model wrong (c).</param>
    public static bool IsReal(int onlyModelRight, int onlyChampionRight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyModelRight);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyChampionRight);
        if (onlyModelRight <= onlyChampionRight)
            return false;
        var n = onlyModelRight + onlyChampionRight;
        BigInteger tail = 0, choose = 1; // C(n, k), from k = 0
        for (var k = 0; k <= n; k++)
        {
            if (k >= onlyModelRight)
                tail += choose;
            choose = choose * (n - k) / (k + 1);
        }
        // tail / 2^n < 500 / 10000, without division.
        return tail * 10_000 < (BigInteger.One << n) * MaxPValueBasisPoints;
    }
}
