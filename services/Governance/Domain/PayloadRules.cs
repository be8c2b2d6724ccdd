using System.Globalization;
using System.Numerics;
using System.Text.Json;
using CommunityAI.Formats.Policies;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Governance.Domain;

/// <summary>
/// What a proposal's payload must hold for its kind, checked when it is proposed so a proposal that could never be
/// applied is refused with the field named instead of failing at activation. Pure.
/// </summary>
public static class PayloadRules
{
    /// <summary>The broken rules keyed by <c>payload.field</c>; empty when the payload fits its kind.</summary>
    /// <param name="onRecord">Policy versions already in the history: a reward or scoring policy must bring a new one.</param>
    /// <param name="scoringCommitWindow">Quality-scoring's configured commit window: a scoring policy's review window must be longer.</param>
    public static IReadOnlyDictionary<string, string> Check(string kind, JsonElement payload, GovernanceParameters inForce, PoliciesOnRecord onRecord,
        TimeSpan scoringCommitWindow)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            problems["payload"] = "the payload is a JSON object";
            return problems;
        }
        switch (kind)
        {
            case ProposalKind.GovernanceParameters:
                if (ParseParameters(payload, problems) is { } parameters)
                {
                    foreach (var (field, rule) in parameters.Problems())
                        problems["payload." + field] = rule;
                    if (parameters.Version <= inForce.Version)
                        problems["payload.version"] = $"the version must be greater than the parameters in force ({inForce.Version})";
                }
                break;
            case ProposalKind.ValidatorAdmission or ProposalKind.ValidatorRemoval:
                RequireAddress(payload, "validator", problems);
                break;
            case ProposalKind.DatasetBuilderAdmission or ProposalKind.DatasetBuilderRemoval:
                RequireAddress(payload, "builder", problems);
                break;
            case ProposalKind.ContributionInvalidation:
                // The reader the ledger and quality-scoring act on, so what passes here is what they apply.
                foreach (var (field, rule) in ContributionInvalidation.Read(payload).Problems)
                    problems[Field(field)] = rule;
                break;
            case ProposalKind.RewardPolicy:
                // The ledger's own rules (CommunityAI.Formats.Policies), so a passed proposal is always one it can apply.
                var (reward, readErrors) = RewardPolicyDraft.Read(payload);
                var rewardErrors = reward?.Validate(onRecord.NewestRewardVersion).Errors ?? readErrors;
                foreach (var (field, rules) in rewardErrors)
                    problems[Field(field)] = string.Join("; ", rules);
                break;
            case ProposalKind.ScoringPolicy:
                var (scoring, scoringReadErrors) = ScoringPolicyDraft.Read(payload);
                foreach (var (field, rules) in scoring?.Validate(onRecord.ScoringVersions) ?? scoringReadErrors)
                    problems[Field(field)] = string.Join("; ", rules);
                // Quality-scoring's own rule for its configuration (CommitWindow shorter than ReviewWindow), applied to the window voted.
                if (scoring?.ReviewWindowSeconds is > 0 and var window && TimeSpan.FromSeconds(window) <= scoringCommitWindow
                    && !problems.ContainsKey("payload.reviewWindowSeconds"))
                    problems["payload.reviewWindowSeconds"] = $"longer than quality-scoring's commit window ({scoringCommitWindow.TotalSeconds:0} s), so revealed reviews have time of their own";
                break;
            default:
                problems["kind"] = $"one of {string.Join(", ", ProposalKind.All)}";
                break;
        }
        return problems;
    }

    private static string Field(string member) => member.Length == 0 ? "payload" : "payload." + member;

    /// <summary>Governance parameters from a payload already checked by <see cref="Check"/>.</summary>
    public static GovernanceParameters ParametersFrom(JsonElement payload) =>
        ParseParameters(payload, new Dictionary<string, string>()) ?? throw new FormatException("not governance parameters");

    private static GovernanceParameters? ParseParameters(JsonElement payload, Dictionary<string, string> problems)
    {
        long Long(string name)
        {
            if (payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
                return number;
            problems["payload." + name] = "a whole number is required";
            return 0;
        }
        var threshold = BigInteger.Zero;
        if (!payload.TryGetProperty("proposalThreshold", out var t) || t.ValueKind != JsonValueKind.String
            || t.GetString() is not { Length: > 0 and <= 78 } digits || !digits.All(char.IsAsciiDigit)
            || !BigInteger.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out threshold))
            problems["payload.proposalThreshold"] = "token base units as a string of decimal digits";
        var squareRoot = payload.TryGetProperty("squareRootWeighting", out var sq) && sq.ValueKind == JsonValueKind.True;
        if (payload.TryGetProperty("squareRootWeighting", out var flag) && flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            problems["payload.squareRootWeighting"] = "true or false";

        var parameters = new GovernanceParameters(Long("version"), threshold, Long("votingDelaySeconds"), Long("votingPeriodSeconds"),
            (int)Math.Clamp(Long("quorumBasisPoints"), int.MinValue, int.MaxValue),
            (int)Math.Clamp(Long("rewardQuorumBasisPoints"), int.MinValue, int.MaxValue),
            Long("lateQuorumExtensionSeconds"), Long("timelockSeconds"), squareRoot);
        return problems.Count == 0 ? parameters : null;
    }

    private static void RequireAddress(JsonElement payload, string name, Dictionary<string, string> problems)
    {
        if (!payload.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String
            || !Address.TryParse(value.GetString(), out var address) || address == Address.Zero)
            problems["payload." + name] = "a 20-byte 0x-prefixed hex address other than zero (mixed case must be a valid EIP-55 checksum)";
    }
}
