using System.Numerics;

namespace CommunityAI.RewardLedger.Domain;

/// <summary>A policy an operator asks to publish (the admin API's body); nothing is trusted until <see cref="Validate"/>.</summary>
public sealed record PolicyDraft(
    long? Version,
    Dictionary<string, string>? BasePerKind,
    int? ZeroBelowScore,
    int? ScoreExponent,
    string? CapPerAddressPerEpoch)
{
    public const int MaxExponent = 4;

    /// <summary>
    /// Checks every rule against the policy in force (<paramref name="current"/>). Returns the policy, or the
    /// broken rules keyed by field. A policy must never let a single credit leave uint256, whatever the score.
    /// </summary>
    public (RewardPolicy? Policy, Dictionary<string, string[]> Errors) Validate(RewardPolicy? current)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string rule) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], rule];

        if (Version is not { } version)
            Fail("version", "a version is required");
        else if (version <= 0)
            Fail("version", "the version must be positive");
        else if (current is not null && version <= current.Version)
            Fail("version", $"the version must be greater than the policy in force ({current.Version})");

        var exponent = ScoreExponent ?? 1;
        if (exponent is < 1 or > MaxExponent)
            Fail("scoreExponent", $"the score exponent must be between 1 and {MaxExponent}");

        if (ZeroBelowScore is { } threshold && threshold is < 0 or > 101)
            Fail("zeroBelowScore", "the zero threshold must be a score between 0 and 101 (101 turns rewards off)");

        var bases = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        if (BasePerKind is null || BasePerKind.Count == 0)
            Fail("basePerKind", "at least one kind needs a base amount");
        else
            foreach (var (kind, text) in BasePerKind)
            {
                if (!RewardPolicy.Kinds.Contains(kind))
                    Fail($"basePerKind.{kind}", $"unknown kind; the kinds are {string.Join(", ", RewardPolicy.Kinds)}");
                else if (TokenAmount.TryParse(text, out var amount) is { } rule)
                    Fail($"basePerKind.{kind}", rule);
                else
                    bases[kind] = amount;
            }

        var cap = BigInteger.Zero;
        if (TokenAmount.TryParse(CapPerAddressPerEpoch, out cap) is { } capRule)
            Fail("capPerAddressPerEpoch", capRule);

        if (errors.Count > 0)
            return (null, errors);
        return (new RewardPolicy(Version!.Value, bases, ZeroBelowScore ?? 0, exponent, cap), errors);
    }
}
