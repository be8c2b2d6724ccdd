using System.Globalization;
using System.Text.Json;

namespace CommunityAI.Audit.Policies;

/// <summary>
/// The governance parameters each proposal must have been submitted under, followed in log order: the genesis set until a
/// passed, timelocked <c>governance-parameters</c> proposal is activated, then the highest version activated. A proposal
/// carries its own delay, period, quorum, extension, timelock and weighting, and the tally and timeline are recomputed
/// from those; this holds them to the rules in force, so a proposal recorded with a shorter timelock or a lower quorum
/// than voted is found. The genesis set is configuration, which the history does not hold: every proposal under it must
/// carry the same values as the first one (the two quorums each from the first proposal of its sort).
/// </summary>
internal sealed class GovernanceRules
{
    private const string ParametersKind = "governance-parameters";

    /// <summary>The values a proposal's timing and weighting come from; null members are not known yet (genesis).</summary>
    private sealed record Rules(long Version, long? DelaySeconds, long? PeriodSeconds, long? ExtensionSeconds, long? TimelockSeconds,
        bool? SquareRoot, int? Quorum, int? RewardQuorum);

    private Rules _inForce = new(1, null, null, null, null, null, null, null);

    /// <summary>What a submitted proposal breaks, or null when it was made under the rules in force.</summary>
    public string? Check(JsonElement submitted)
    {
        var kind = Text(submitted, "kind") ?? "";
        var rewards = kind is "reward-policy" or "scoring-policy";
        var version = Long(submitted, "parametersVersion");
        if (version != _inForce.Version)
            return $"submitted under parameters version {Describe(version)}; version {_inForce.Version} was in force";
        var submittedAt = Time(submitted, "submittedAt");
        var starts = Time(submitted, "votingStartsAt");
        var ends = Time(submitted, "votingEndsAt");
        var actual = new Rules(_inForce.Version, Seconds(submittedAt, starts), Seconds(starts, ends), Long(submitted, "lateQuorumExtensionSeconds"),
            Long(submitted, "timelockSeconds"), submitted.TryGetProperty("squareRootWeighting", out var sq) && sq.ValueKind is JsonValueKind.True or JsonValueKind.False ? sq.GetBoolean() : null,
            rewards ? null : (int?)Long(submitted, "quorumBasisPoints"), rewards ? (int?)Long(submitted, "quorumBasisPoints") : null);
        var problems = new List<string>();
        Compare("voting delay", _inForce.DelaySeconds, actual.DelaySeconds);
        Compare("voting period", _inForce.PeriodSeconds, actual.PeriodSeconds);
        Compare("late-quorum extension", _inForce.ExtensionSeconds, actual.ExtensionSeconds);
        Compare("timelock", _inForce.TimelockSeconds, actual.TimelockSeconds);
        Compare("square-root weighting", _inForce.SquareRoot, actual.SquareRoot);
        Compare(rewards ? "reward quorum" : "quorum", rewards ? _inForce.RewardQuorum : _inForce.Quorum, rewards ? actual.RewardQuorum : actual.Quorum);
        // Under genesis the first proposal of each sort fixes what the rest must carry.
        _inForce = _inForce with
        {
            DelaySeconds = _inForce.DelaySeconds ?? actual.DelaySeconds,
            PeriodSeconds = _inForce.PeriodSeconds ?? actual.PeriodSeconds,
            ExtensionSeconds = _inForce.ExtensionSeconds ?? actual.ExtensionSeconds,
            TimelockSeconds = _inForce.TimelockSeconds ?? actual.TimelockSeconds,
            SquareRoot = _inForce.SquareRoot ?? actual.SquareRoot,
            Quorum = _inForce.Quorum ?? actual.Quorum,
            RewardQuorum = _inForce.RewardQuorum ?? actual.RewardQuorum,
        };
        return problems.Count == 0 ? null : $"carries {string.Join(", ", problems)}";

        void Compare<T>(string what, T? expected, T? recorded) where T : struct
        {
            if (expected is { } e && !Equals(e, recorded))
                problems.Add($"{what} {Describe(recorded)} where version {_inForce.Version} says {e}");
        }
    }

    /// <summary>
    /// A recorded activation of a proposal in the history: a higher parameters version takes force, as it did in governance
    /// (an activation that should not have happened is found where it is recorded).
    /// </summary>
    public void Activated(string kind, string payload)
    {
        if (kind != ParametersKind)
            return;
        try
        {
            using var document = JsonDocument.Parse(payload);
            var p = document.RootElement;
            if (Long(p, "version") is { } version && version > _inForce.Version)
                _inForce = new Rules(version, Long(p, "votingDelaySeconds"), Long(p, "votingPeriodSeconds"), Long(p, "lateQuorumExtensionSeconds"),
                    Long(p, "timelockSeconds"), p.TryGetProperty("squareRootWeighting", out var sq) && sq.ValueKind == JsonValueKind.True,
                    (int?)Long(p, "quorumBasisPoints"), (int?)Long(p, "rewardQuorumBasisPoints"));
        }
        catch (JsonException)
        {
            // Governance refuses such a payload when it is proposed; it changes nothing here either.
        }
    }

    private static string Describe<T>(T? value) where T : struct => value?.ToString() ?? "missing";

    private static long? Seconds(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t && (t - f).Ticks % TimeSpan.TicksPerSecond == 0 ? (long)(t - f).TotalSeconds : null;

    private static long? Long(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Time(JsonElement data, string name) =>
        Text(data, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
}
