using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Turns a score into token base units (18 decimals). Integer arithmetic only: an auditor must get the
/// same amount to the last unit.
/// </summary>
public sealed record RewardPolicy(string Version, IReadOnlyDictionary<string, BigInteger> BasePerKind, int ZeroBelowScore)
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    public static RewardPolicy Initial { get; } = new("reward-1", new Dictionary<string, BigInteger>
    {
        ["data"] = 10 * Token,
        ["feedback"] = 2 * Token,
        ["knowledge"] = 5 * Token,
        ["model"] = 20 * Token,
    }, ZeroBelowScore: 20);

    public BigInteger RewardFor(string kind, int score) =>
        score < ZeroBelowScore || !BasePerKind.TryGetValue(kind, out var basis) ? BigInteger.Zero : basis * score / 100;
}
