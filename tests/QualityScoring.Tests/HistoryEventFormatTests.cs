using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats.Json;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.QualityScoring.Tests;

/// <summary>
/// Every history event becomes an RFC 8785 log entry; one that cannot be canonicalised would stall the log for everyone.
/// </summary>
public sealed class HistoryEventFormatTests
{
    [Fact]
    public void The_default_policy_and_the_events_of_a_case_canonicalise()
    {
        var policy = new ScoringOptions().ToPolicy(DateTimeOffset.UnixEpoch);
        var id = "0x" + new string('a', 64);
        var checks = new AutomatedChecksCompleted(id, "0x" + new string('1', 40), "data", "0x" + new string('b', 64), "ipfs://x", 10, 40,
            policy.Version, null, id, 0.8125, ["size: x"], 0, DateTimeOffset.UnixEpoch);
        var moved = new ReputationChanged("0x" + new string('1', 40), id, 0.5m, 0.433333m, 1m / 3m, policy.Version, DateTimeOffset.UnixEpoch);
        object[] events = [policy, checks, moved];
        foreach (var e in events)
            Assert.NotEmpty(JsonCanonicalizer.Canonicalize(JsonSerializer.Serialize(e, e.GetType(), OutboxRoutes.HistoryJson)));
    }

    [Fact]
    public void A_size_limit_beyond_what_canonical_json_holds_exactly_is_refused_at_start_up()
    {
        var options = new ScoringOptions();
        options.Kinds["data"] = new KindRule(long.MaxValue, 0, false);
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ScoringOptions.Kinds)));
    }
}
