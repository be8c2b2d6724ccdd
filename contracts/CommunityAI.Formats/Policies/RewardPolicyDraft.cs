using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommunityAI.Formats.Json;

namespace CommunityAI.Formats.Policies;

/// <summary>
/// A reward policy as a document: the payload of a <c>reward-policy</c> proposal (RFC 8785 canonical JSON, camelCase
/// members) and the ledger's genesis configuration. Nothing is trusted until <see cref="Validate"/>.
/// </summary>
/// <param name="Version">Policy version; strictly greater than the one in force.</param>
/// <param name="BasePerKind">Base amount per kind (data, feedback, knowledge, model) in token base units, as decimal strings.</param>
/// <param name="ZeroBelowScore">Scores below this (0–101) earn nothing; absent means 0.</param>
/// <param name="ScoreExponent">1–4; absent means 1.</param>
/// <param name="CapPerAddressPerEpoch">Most an address can earn in one epoch, token base units as a decimal string.</param>
/// <param name="FallbackShareBasisPoints">See <see cref="RewardPolicy.FallbackShareBasisPoints"/>; absent means 0.</param>
/// <param name="UnseenContentShareBasisPoints">See <see cref="RewardPolicy.UnseenContentShareBasisPoints"/>; absent means 0.</param>
/// <param name="ValidatorShareBasisPoints">See <see cref="RewardPolicy.ValidatorShareBasisPoints"/>; absent means 0.</param>
/// <param name="SlashBasisPoints">See <see cref="RewardPolicy.SlashBasisPoints"/>; absent means 0, as every member of a reward policy.</param>
/// <param name="ModelGainRewardPerBasisPoint">See <see cref="RewardPolicy.ModelGainRewardPerBasisPoint"/>, token base units as a decimal string; absent means 0.</param>
/// <param name="DatasetValidatorShareBasisPoints">See <see cref="RewardPolicy.DatasetValidatorShareBasisPoints"/>; absent means 0.</param>
/// <param name="DataGainRewardPerBasisPoint">See <see cref="RewardPolicy.DataGainRewardPerBasisPoint"/>, token base units as a decimal string; absent means 0.</param>
public sealed record RewardPolicyDraft(
    long? Version,
    Dictionary<string, string>? BasePerKind,
    int? ZeroBelowScore,
    int? ScoreExponent,
    string? CapPerAddressPerEpoch,
    int? FallbackShareBasisPoints = null,
    int? UnseenContentShareBasisPoints = null,
    int? ValidatorShareBasisPoints = null,
    int? SlashBasisPoints = null,
    string? ModelGainRewardPerBasisPoint = null,
    int? DatasetValidatorShareBasisPoints = null,
    string? DataGainRewardPerBasisPoint = null)
{
    /// <summary>The steepest score exponent a policy may set (100^4 keeps every product well inside uint256 arithmetic).</summary>
    public const int MaxExponent = 4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>
    /// Reads a payload; a member of the wrong type or one the policy does not have is named in the errors (as
    /// <c>member</c>), so a typo never silently turns into a default.
    /// </summary>
    public static (RewardPolicyDraft? Draft, Dictionary<string, string[]> Errors) Read(JsonElement payload)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["a reward policy is a JSON object"];
            return (null, errors);
        }
        try
        {
            return (payload.Deserialize<RewardPolicyDraft>(Json), errors);
        }
        catch (JsonException e)
        {
            errors[Member(e, payload)] = [e.Message.Split(" Path:", 2)[0]];
            return (null, errors);
        }
    }

    /// <summary>The draft of a policy in force, for example to write the genesis policy down as a document.</summary>
    public static RewardPolicyDraft From(RewardPolicy policy) => new(
        policy.Version,
        policy.BasePerKind.ToDictionary(kv => kv.Key, kv => TokenAmount.Format(kv.Value), StringComparer.Ordinal),
        policy.ZeroBelowScore, policy.ScoreExponent, TokenAmount.Format(policy.CapPerAddressPerEpoch),
        policy.FallbackShareBasisPoints, policy.UnseenContentShareBasisPoints, policy.ValidatorShareBasisPoints, policy.SlashBasisPoints,
        TokenAmount.Format(policy.ModelGainRewardPerBasisPoint), policy.DatasetValidatorShareBasisPoints,
        TokenAmount.Format(policy.DataGainRewardPerBasisPoint));

    /// <summary>The document as RFC 8785 canonical JSON, whose SHA-256 a proposal signs as its payload hash.</summary>
    public byte[] ToCanonicalJson() => JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToElement(this, Json));

    /// <summary>
    /// Checks every rule, and that the version is above <paramref name="versionInForce"/> when one is given. Returns the
    /// policy, or the broken rules keyed by member. A policy must never let a single credit leave uint256, whatever the score.
    /// </summary>
    public (RewardPolicy? Policy, Dictionary<string, string[]> Errors) Validate(long? versionInForce)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string rule) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], rule];

        if (Version is not { } version)
            Fail("version", "a version is required");
        else if (version <= 0)
            Fail("version", "the version must be positive");
        else if (versionInForce is { } inForce && version <= inForce)
            Fail("version", $"the version must be greater than the policy in force ({inForce})");

        var exponent = ScoreExponent ?? 1;
        if (exponent is < 1 or > MaxExponent)
            Fail("scoreExponent", $"the score exponent must be between 1 and {MaxExponent}");

        if (ZeroBelowScore is { } threshold && threshold is < 0 or > 101)
            Fail("zeroBelowScore", "the zero threshold must be a score between 0 and 101 (101 turns rewards off)");

        if (FallbackShareBasisPoints is < 0 or > RewardPolicy.WholeShare)
            Fail("fallbackShareBasisPoints", "a share is between 0 and 10000 basis points");
        if (UnseenContentShareBasisPoints is < 0 or > RewardPolicy.WholeShare)
            Fail("unseenContentShareBasisPoints", "a share is between 0 and 10000 basis points");
        if (ValidatorShareBasisPoints is < 0 or > RewardPolicy.WholeShare)
            Fail("validatorShareBasisPoints", "a share is between 0 and 10000 basis points");
        if (DatasetValidatorShareBasisPoints is < 0 or > RewardPolicy.WholeShare)
            Fail("datasetValidatorShareBasisPoints", "a share is between 0 and 10000 basis points");
        if (SlashBasisPoints is < 0 or > RewardPolicy.MaxSlashBasisPoints)
            Fail("slashBasisPoints", $"a slash is between 0 and {RewardPolicy.MaxSlashBasisPoints} basis points of the case's validator pool");

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

        if (TokenAmount.TryParse(CapPerAddressPerEpoch, out var cap) is { } capRule)
            Fail("capPerAddressPerEpoch", capRule);

        var gainReward = PerBasisPoint(ModelGainRewardPerBasisPoint, "modelGainRewardPerBasisPoint");
        var dataGainReward = PerBasisPoint(DataGainRewardPerBasisPoint, "dataGainRewardPerBasisPoint");

        if (errors.Count > 0)
            return (null, errors);
        return (new RewardPolicy(Version!.Value, bases, ZeroBelowScore ?? 0, exponent, cap,
            FallbackShareBasisPoints ?? 0, UnseenContentShareBasisPoints ?? 0, ValidatorShareBasisPoints ?? 0, SlashBasisPoints ?? 0,
            gainReward, DatasetValidatorShareBasisPoints ?? 0, dataGainReward), errors);

        // A reward per basis point of gain: a gain of 100% (10,000 bp) must still be one uint256 amount.
        BigInteger PerBasisPoint(string? text, string member)
        {
            if (text is null)
                return BigInteger.Zero;
            if (TokenAmount.TryParse(text, out var amount) is { } rule)
                Fail(member, rule);
            else if (amount > RewardPolicy.MaxModelGainRewardPerBasisPoint)
                Fail(member, "at most (2^256 - 1) / 10000 token base units, so a gain of 100% is still one uint256 amount");
            return amount;
        }
    }

    // "$.basePerKind.data" → "basePerKind.data"; an unknown member is named by the exception's message only.
    private static string Member(JsonException e, JsonElement payload)
    {
        if (e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
            return path[2..];
        foreach (var property in payload.EnumerateObject())
            if (e.Message.Contains($"'{property.Name}'", StringComparison.Ordinal))
                return property.Name;
        return "";
    }
}
