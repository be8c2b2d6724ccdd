using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CommunityAI.Formats.Policies;

/// <summary>
/// A scoring policy as a document: the payload of a <c>scoring-policy</c> proposal (camelCase members, the review window
/// in whole seconds). Shared by quality-scoring (which applies it to cases opened after its activation) and governance
/// (which refuses, at proposal time, a policy quality-scoring could not apply). Nothing is trusted until <see cref="Validate"/>.
/// </summary>
public sealed partial record ScoringPolicyDraft(
    string? Version,
    int? AutomatedWeight,
    int? ReviewersPerContribution,
    int? Quorum,
    long? ReviewWindowSeconds,
    int? ClipDistance,
    decimal? ReputationStart,
    decimal? ReputationFloor,
    decimal? ReputationRate,
    double? NearDuplicateThreshold,
    int? ShingleLength,
    int? MinHashFunctions,
    int? LshBands,
    int? MinTextLength,
    Dictionary<string, ScoringKindRuleDraft>? Kinds,
    int? AuditBasisPoints = null,
    int? LeanAuditPoints = null,
    int? LeanExclusionPoints = null,
    string[]? Licences = null)
{
    /// <summary>
    /// The audit share of a policy whose document leaves <c>auditBasisPoints</c> out (documents written before the member
    /// existed among them): the review game's measure. Turning audits off takes an explicit 0, in a document voters read.
    /// </summary>
    public const int DefaultAuditBasisPoints = 1_000;

    /// <summary>
    /// The lean, in score points, at which a reviewer's cases of one contributor are audited whatever the draw, for a
    /// document that leaves <c>leanAuditPoints</c> out: none. The review game measured the rule at 10 points and found it
    /// not worth its cost (README, "Review under attack"): the colluding pair inflates too few cases for audits to reach,
    /// and every targeted audit divides a case's pool among eight. A community that sees reviewers lean may vote it on.
    /// </summary>
    public const int DefaultLeanAuditPoints = 0;

    /// <summary>
    /// The lean above the consensus, in score points, at which a validator is no longer drawn for one contributor's cases,
    /// for a document that leaves <c>leanExclusionPoints</c> out: the review game's measure (README, "Review under attack").
    /// An explicit 0 turns the rule off.
    /// </summary>
    public const int DefaultLeanExclusionPoints = 10;

    /// <summary>Most licences one policy may allow: enough for any community's list, small enough to print on every refusal.</summary>
    public const int MaxLicences = 32;

    // Canonical JSON (RFC 8785) holds integers exactly only within ±2^53, and the policy is a history event.
    private const long MaxExactInteger = (1L << 53) - 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads a payload; a member of the wrong type or one the policy does not have is named in the errors.</summary>
    public static (ScoringPolicyDraft? Draft, Dictionary<string, string[]> Errors) Read(JsonElement payload)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["a scoring policy is a JSON object"];
            return (null, errors);
        }
        try
        {
            return (payload.Deserialize<ScoringPolicyDraft>(Json), errors);
        }
        catch (JsonException e)
        {
            var member = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..]
                : payload.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => e.Message.Contains($"'{n}'", StringComparison.Ordinal)) ?? "";
            errors[member] = [e.Message.Split(" Path:", 2)[0]];
            return (null, errors);
        }
    }

    /// <summary>
    /// Every rule quality-scoring applies, keyed by member; empty when the policy can be applied. A version already on
    /// record (<paramref name="versionsOnRecord"/>) is refused: a published version never changes its rules.
    /// </summary>
    public Dictionary<string, string[]> Validate(IReadOnlySet<string> versionsOnRecord)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string rule) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], rule];
        void Range<T>(string field, T? value, T min, T max) where T : struct, IComparable<T>
        {
            if (value is not { } v)
                Fail(field, "required");
            else if (v.CompareTo(min) < 0 || v.CompareTo(max) > 0)
                Fail(field, $"between {min} and {max}");
        }

        if (Version is null || !VersionPattern().IsMatch(Version))
            Fail("version", "lowercase letters, digits, dots and dashes, 1 to 63, starting with a letter or digit (for example scoring-2)");
        else if (versionsOnRecord.Contains(Version))
            Fail("version", $"scoring policy {Version} is already on record; a new policy needs a new version");
        Range("automatedWeight", AutomatedWeight, 0, 100);
        Range("reviewersPerContribution", ReviewersPerContribution, 1, 64);
        Range("quorum", Quorum, 1, 64);
        if (Quorum > ReviewersPerContribution)
            Fail("quorum", "must not exceed reviewersPerContribution");
        Range("reviewWindowSeconds", ReviewWindowSeconds, 1, 366L * 24 * 3600);
        Range("clipDistance", ClipDistance, 0, 100);
        Range("reputationStart", ReputationStart, 0m, 1m);
        Range("reputationFloor", ReputationFloor, 0.000001m, 1m);
        Range("reputationRate", ReputationRate, 0m, 1m);
        if (ReputationStart < ReputationFloor)
            Fail("reputationStart", "must be at least reputationFloor");
        Range("nearDuplicateThreshold", NearDuplicateThreshold, 0.0, 1.0);
        Range("shingleLength", ShingleLength, 1, 32);
        Range("minHashFunctions", MinHashFunctions, 1, 1024);
        Range("lshBands", LshBands, 1, 1024);
        if (MinHashFunctions is { } functions && LshBands is > 0 and var bands && functions % bands != 0)
            Fail("lshBands", "must divide minHashFunctions");
        Range("minTextLength", MinTextLength, 1, 100_000);
        if (AuditBasisPoints is < 0 or > 10_000)
            Fail("auditBasisPoints", "between 0 and 10000 (basis points of the consensus-scored cases), or absent for the default");
        if (LeanAuditPoints is < 0 or > 100)
            Fail("leanAuditPoints", "between 0 and 100 (score points; 0 targets no audit), or absent for the default");
        if (LeanExclusionPoints is < 0 or > 100)
            Fail("leanExclusionPoints", "between 0 and 100 (score points; 0 excludes nobody), or absent for the default");
        // Absent means the contributions service's configured genesis list, as every setting left out takes its default.
        if (Licences is not null)
        {
            if (Licences.Length is 0 or > MaxLicences)
                Fail("licences", $"between 1 and {MaxLicences} SPDX licence identifiers, or absent for the configured genesis list");
            else if (Licences.Any(l => l is null || !LicencePattern().IsMatch(l)))
                Fail("licences", "each an SPDX licence identifier: letters, digits, dots, dashes and plus signs, 1 to 64, starting with a letter or digit");
            else if (Licences.Distinct(StringComparer.Ordinal).Count() != Licences.Length)
                Fail("licences", "each licence at most once");
        }
        if (Kinds is null || Kinds.Count == 0)
            Fail("kinds", "rules for at least one kind are required");
        else
            foreach (var (kind, rule) in Kinds)
            {
                if (!RewardPolicy.Kinds.Contains(kind))
                    Fail($"kinds.{kind}", $"unknown kind; the kinds are {string.Join(", ", RewardPolicy.Kinds)}");
                else if (rule is null)
                    Fail($"kinds.{kind}", "a rule object is required");
                else
                {
                    if (rule.MaxBytes is < 0 or > MaxExactInteger)
                        Fail($"kinds.{kind}.maxBytes", "between 0 and 2^53 - 1, or null for no limit");
                    if (rule.MinTextLength is not >= 0)
                        Fail($"kinds.{kind}.minTextLength", "required, at least 0");
                    if (rule.RequireContentAddressed is null)
                        Fail($"kinds.{kind}.requireContentAddressed", "required, true or false");
                }
            }
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,62}$")]
    private static partial Regex VersionPattern();

    // SPDX identifiers (and LicenseRef-…) use letters, digits, '.', '-' and '+'; nothing else can reach a stored contribution.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$")]
    private static partial Regex LicencePattern();
}
