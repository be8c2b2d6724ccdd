using System.Numerics;
using CommunityAI.Contracts;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>
/// Turns a score into token base units (18 decimals). Integer arithmetic only: an auditor must get the
/// same amount to the last unit from the published <see cref="RewardPolicyPublished"/>.
/// </summary>
public sealed record RewardPolicy(
    long Version,
    IReadOnlyDictionary<string, BigInteger> BasePerKind,
    int ZeroBelowScore,
    int ScoreExponent,
    BigInteger CapPerAddressPerEpoch)
{
    /// <summary>The kinds a contribution can have (the EIP-712 Contribution's <c>kind</c>).</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "data", "feedback", "knowledge", "model" };

    /// <summary>What is in force until an operator publishes another policy.</summary>
    public static RewardPolicy Initial { get; } = new(1, new Dictionary<string, BigInteger>
    {
        ["data"] = 10 * TokenAmount.OneToken,
        ["feedback"] = 2 * TokenAmount.OneToken,
        ["knowledge"] = 5 * TokenAmount.OneToken,
        ["model"] = 20 * TokenAmount.OneToken,
    }, ZeroBelowScore: 20, ScoreExponent: 1, CapPerAddressPerEpoch: 1_000 * TokenAmount.OneToken);

    /// <summary>How credits name the policy (<see cref="ContributionRewarded.PolicyVersion"/>).</summary>
    public string Name => $"reward-{Version}";

    /// <summary>
    /// The reward for a score, capped by what the address may still earn this epoch (<paramref name="earnedThisEpoch"/>).
    /// </summary>
    public BigInteger RewardFor(string kind, int score, BigInteger earnedThisEpoch)
    {
        if (score < ZeroBelowScore || score <= 0 || !BasePerKind.TryGetValue(kind, out var basis))
            return BigInteger.Zero;
        var clamped = Math.Min(score, 100);
        var raw = basis * BigInteger.Pow(clamped, ScoreExponent) / BigInteger.Pow(100, ScoreExponent);
        var room = BigInteger.Max(BigInteger.Zero, CapPerAddressPerEpoch - earnedThisEpoch);
        return BigInteger.Min(raw, room);
    }

    public RewardPolicyPublished ToEvent(DateTimeOffset publishedAt) => new(
        Version,
        BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Format(kv.Value), StringComparer.Ordinal),
        ZeroBelowScore, ScoreExponent, TokenAmount.Format(CapPerAddressPerEpoch), publishedAt);

    /// <summary>A policy from the history; it was validated when published.</summary>
    public static RewardPolicy FromEvent(RewardPolicyPublished published) => new(
        published.Version,
        published.BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Parse(kv.Value), StringComparer.Ordinal),
        published.ZeroBelowScore, published.ScoreExponent, TokenAmount.Parse(published.CapPerAddressPerEpoch));
}
