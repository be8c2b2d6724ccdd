using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Replay;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// The parts of a scoring history, as quality-scoring writes them, that the replay's lean rules (the targeted audit round
/// and the draw's exclusion) are tried on: one contributor, a leaner among the first round's reviewers, round 0's seed,
/// and each case's score made by the service's own consensus code. Shared so both rules' tests build the same history.
/// </summary>
internal static class LeanHistory
{
    public const int Contributor = 1;
    public const int Leaner = 2;
    public static readonly int[] FirstRoundKeys = [Leaner, 3, 4];
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    public static readonly string Secret = Hex.Encode(SHA256.HashData("round 0"u8));
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Feeds <paramref name="events"/> to <paramref name="replay"/> in order, numbered as the log numbers them.</summary>
    public static T Feed<T>(T replay, IEnumerable<LogEvent> events) where T : IReplay
    {
        foreach (var e in events.Select((e, i) => e with { Index = i, Sequence = i }))
            replay.Add(e);
        return replay;
    }

    /// <summary>
    /// The case's score as the first round's consensus makes it (the service's own code): <paramref name="assigned"/> drawn,
    /// and the reviewers of <paramref name="reviewerKeys"/> scoring <paramref name="scores"/> in that order.
    /// </summary>
    public static ContributionScored Scored(string id, ScoringPolicyPublished policy, IReadOnlyList<AssignedReviewer> assigned, int[] reviewerKeys, int[] scores)
    {
        var checks = new AutomatedChecksCompleted(id, AnvilNode.DevAddresses[Contributor], "data", id, "ipfs://lean", 10, 10, policy.Version,
            null, null, null, [], 50, Now);
        var @case = ScoringCase.Create(checks).Apply(new ReviewersAssigned(id, assigned, 6, 2, Now, policy.Version, Now, 0, null, assigned, Now));
        foreach (var (key, score) in reviewerKeys.Zip(scores))
            @case = @case.Apply(new ReviewSubmitted(id, AnvilNode.DevAddresses[key], score, "accept", "1", 0, "0x", Now));
        return ScoreDecision.Finalise(@case, policy, assigned.ToDictionary(r => r.Validator, r => r.Reputation, StringComparer.OrdinalIgnoreCase), Now).Scored;
    }

    /// <summary>Anvil's dev accounts of <paramref name="keys"/> as reviewers of equal reputation.</summary>
    public static List<AssignedReviewer> Reviewers(IEnumerable<int> keys) => [.. keys.Select(k => new AssignedReviewer(AnvilNode.DevAddresses[k], 0.5m))];

    /// <summary>Round 0's reveal, which lets the replay recompute every draw of the round.</summary>
    public static void Reveal(List<LogEvent> events) =>
        Add(events, "scoring/seeds", "assignment_seed_revealed", new AssignmentSeedRevealed(0, Secret, Now));

    public static void Add(List<LogEvent> events, string stream, string type, object data) =>
        events.Add(new(events.Count, events.Count, events.Count + 1, stream, type, Guid.NewGuid().ToString(),
            JsonSerializer.SerializeToElement(data, data.GetType(), Json)));

    public static string Id(string text) => Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
