using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Audit.Commands;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>One reviewer a case, at most two cases per validator per epoch, epochs of 40 seconds starting when the system does.</summary>
public sealed class CappedSystem : ScoringSystem
{
    public const int Cap = 2;
    public static readonly TimeSpan EpochLength = TimeSpan.FromSeconds(40);
    public DateTimeOffset Genesis { get; } = DateTimeOffset.UtcNow;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "1",
        ["Scoring:Quorum"] = "1",
        ["Scoring:ReassignmentRounds"] = "0",
        ["Scoring:MaxReviewsPerValidatorPerEpoch"] = Cap.ToString(CultureInfo.InvariantCulture),
        ["Epochs:Genesis"] = Genesis.ToString("O", CultureInfo.InvariantCulture),
        ["Epochs:Length"] = EpochLength.ToString(),
    };

    public long EpochAt(DateTimeOffset time) => (time - Genesis).Ticks / EpochLength.Ticks;

    public DateTimeOffset StartOf(long epoch) => Genesis + epoch * EpochLength;
}

/// <summary>
/// A validator at its cap of reviews for the epoch is not drawn again in that epoch (with nobody left under the cap the
/// case is scored at once, unpaid), is drawn again in the next epoch, and an auditor recomputes every one of those
/// assignments from the public seed and the recorded candidates.
/// </summary>
public sealed class ReviewCapTests(CappedSystem system) : IClassFixture<CappedSystem>
{
    private const int Contributor = 1;
    private static readonly int[] Validators = [4, 5];

    [Fact]
    public async Task A_validator_at_its_cap_is_not_drawn_until_the_next_epoch_and_replay_agrees()
    {
        foreach (var key in Validators)
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        var addresses = Validators.Select(k => AnvilNode.DevAddresses[k]).ToList();

        // A whole epoch ahead: start at the next boundary.
        var epoch = system.EpochAt(DateTimeOffset.UtcNow) + 1;
        await Task.Delay(Until(system.StartOf(epoch) + TimeSpan.FromMilliseconds(200)));

        // Two validators, a cap of two: four cases find a reviewer, one after the other; the fifth finds nobody under the cap.
        List<Assigned> assigned = [];
        for (var i = 0; i < 2 * CappedSystem.Cap; i++)
            assigned.Add(await TakeInAsync());
        var fifth = ScoringSystem.Submission(Contributor, "Fifth reading of the tide gauge, taken after both reviewers reached their cap.");
        await system.PublishAsync(fifth);
        var unreviewed = await system.ScoredAsync(fifth.ContributionId, TimeSpan.FromSeconds(20));
        Assert.True(system.EpochAt(DateTimeOffset.UtcNow) == epoch, "the epoch ended before its cases were taken in: the machine is too slow for this test");

        Assert.All(assigned, a => Assert.Equal(epoch, system.EpochAt(a.AssignedAt)));
        foreach (var address in addresses)
            Assert.Equal(CappedSystem.Cap, assigned.Count(a => a.Reviewer == address));
        // Once a validator had its two, it was not even a candidate for the rest of the epoch.
        foreach (var (a, at) in assigned.Select((a, at) => (a, at)))
            foreach (var capped in addresses.Where(v => assigned.Take(at).Count(earlier => earlier.Reviewer == v) >= CappedSystem.Cap))
                Assert.DoesNotContain(capped, a.Candidates.Select(c => c.Validator));
        Assert.Equal(ScoreDecision.NoValidators, unreviewed.Fallback);
        Assert.Equal(0, await system.CountEventsAsync("reviewers_assigned", fifth.ContributionId));

        // The next epoch: both are candidates again.
        await Task.Delay(Until(system.StartOf(epoch + 1) + TimeSpan.FromMilliseconds(200)));
        var next = await TakeInAsync();
        Assert.Equal(epoch + 1, system.EpochAt(next.AssignedAt));
        Assert.Equal(addresses.Order(StringComparer.OrdinalIgnoreCase), next.Candidates.Select(c => c.Validator).Order(StringComparer.OrdinalIgnoreCase));

        // The auditor's replay: each round's secret against its commitment, each seed from the secret and the id, each
        // reviewer drawn from the recorded candidates by the public rule. The cap is in the candidates, so the draw agrees.
        foreach (var a in (List<Assigned>)[.. assigned, next])
        {
            var secret = await Eventually.MatchesAsync(() => RevealedSecretAsync(a.Round), s => s is not null, $"round {a.Round} revealed", TimeSpan.FromSeconds(30));
            Assert.Equal(await CommitmentAsync(a.Round), Hex.Encode(SHA256.HashData(Hex.Decode(secret!, 32))));
            var seed = SHA256.HashData([.. Hex.Decode(secret!, 32), .. Hex.Decode(a.ContributionId, 32)]);
            Assert.Equal(Hex.Encode(seed), a.Seed);
            Assert.Equal(a.Reviewer, ReviewerSelection.Select(seed, a.Candidates, 1).Single().Validator);
        }

        // And the auditors' own tool, on the whole history: every seeded assignment recomputed, nothing found.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditApp.RunAsync(["replay", "--database", system.History, "--json"], output, error);
        var replayed = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("assignments");
        Assert.True(replayed.GetProperty("findings").GetArrayLength() == 0, output.ToString());
        Assert.Equal(assigned.Count + 1, replayed.GetProperty("recomputed").GetInt32());
        // Every automated check the service wrote is recomputed from the signed submission and the policy, and agrees.
        var checks = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("automatedChecks");
        Assert.InRange(checks.GetProperty("checks").GetInt32(), assigned.Count + 1, int.MaxValue);
        Assert.Equal(0, checks.GetProperty("withoutSubmission").GetInt32());
        Assert.Equal(checks.GetProperty("checks").GetInt32(), checks.GetProperty("recomputedEqual").GetInt32());
        Assert.True(exit == 0, $"replay exit {exit}: {output}{error}");
    }

    private static TimeSpan Until(DateTimeOffset time) => time > DateTimeOffset.UtcNow ? time - DateTimeOffset.UtcNow : TimeSpan.Zero;

    private async Task<Assigned> TakeInAsync()
    {
        var submitted = ScoringSystem.Submission(Contributor, "Tide gauge reading " + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)) + " at the outer harbour wall.");
        await system.PublishAsync(submitted);
        return (await Eventually.MatchesAsync(() => AssignmentAsync(submitted.ContributionId), a => a is not null, "a reviewer assigned", TimeSpan.FromSeconds(20)))!;
    }

    private sealed record Assigned(string ContributionId, DateTimeOffset AssignedAt, long Round, string Seed, IReadOnlyList<AssignedReviewer> Candidates, string Reviewer);

    private async Task<Assigned?> AssignmentAsync(string contributionId)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data::text FROM history.mt_events WHERE type = 'reviewers_assigned' AND data->>'contributionId' = @id", connection);
        command.Parameters.AddWithValue("id", contributionId);
        if (await command.ExecuteScalarAsync() is not string json)
            return null;
        var data = JsonDocument.Parse(json).RootElement;
        return new Assigned(contributionId, data.GetProperty("assignedAt").GetDateTimeOffset(), data.GetProperty("seedRound").GetInt64(),
            data.GetProperty("seed").GetString()!,
            data.GetProperty("candidates").EnumerateArray().Select(c => new AssignedReviewer(c.GetProperty("validator").GetString()!, c.GetProperty("reputation").GetDecimal())).ToList(),
            data.GetProperty("reviewers").EnumerateArray().Single().GetProperty("validator").GetString()!);
    }

    private Task<string?> RevealedSecretAsync(long round) => SeedFieldAsync("assignment_seed_revealed", "secret", round);

    private async Task<string> CommitmentAsync(long round) => (await SeedFieldAsync("assignment_seed_committed", "commitment", round))!;

    private async Task<string?> SeedFieldAsync(string type, string field, long round)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT data->>@field FROM history.mt_events WHERE type = @type AND (data->>'round')::bigint = @round", connection);
        command.Parameters.AddWithValue("field", field);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("round", round);
        return await command.ExecuteScalarAsync() as string;
    }
}
