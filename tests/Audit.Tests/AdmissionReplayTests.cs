using System.Security.Cryptography;
using System.Text;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> recomputes who is admitted from the genesis set and governance's activations, and each replacement of an
/// absent reviewer from the case's seed, and automatic removals from the reputation changes: an honest history passes, and
/// an admission nobody decided, a registration or a candidate that was not admitted, a steered replacement and a removal
/// "for reputation" the changes do not justify are each found.
/// </summary>
public sealed class AdmissionReplayTests : IAsyncLifetime
{
    private static string Dev(int key) => AnvilNode.DevAddresses[key];

    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("auditadmit");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task An_honest_history_recomputes_admissions_removals_and_every_replacement()
    {
        await WriteAsync(tamper: false);

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        // The activations are written alone, without their proposals and votes: the policy replay names those, nothing else does.
        Assert.All(run.Json.GetProperty("policies").GetProperty("findings").EnumerateArray(),
            f => Assert.Equal("activation without a vote", f.GetProperty("what").GetString()));
        var assignments = run.Json.GetProperty("assignments");
        Assert.Empty(assignments.GetProperty("findings").EnumerateArray());
        Assert.Empty(run.Json.GetProperty("scores").GetProperty("findings").EnumerateArray());
        // 2 and 3 from genesis, 4 admitted; 5 admitted then removed by proposal, 3 removed for its reputation.
        Assert.Equal(2, assignments.GetProperty("admitted").GetInt32());
        Assert.Equal(2, assignments.GetProperty("admissions").GetInt32());
        Assert.Equal(2, assignments.GetProperty("removals").GetInt32());
        Assert.Equal(1, assignments.GetProperty("reassigned").GetInt32());
        Assert.Equal(1, assignments.GetProperty("recomputed").GetInt32());
    }

    [Fact]
    public async Task An_undecided_admission_an_unadmitted_registration_or_candidate_and_a_steered_replacement_are_each_found()
    {
        await WriteAsync(tamper: true);

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.Equal(1, run.ExitCode);
        var found = run.Json.GetProperty("assignments").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("what").GetString()).ToList();
        Assert.Contains("admission without decision", found);
        Assert.Contains("registration not admitted", found);
        Assert.Contains("candidate not admitted", found);
        Assert.Contains("reassignment", found);
        Assert.Contains("removal by reputation", found);
    }

    private async Task WriteAsync(bool tamper)
    {
        await using var history = new ScoringHistory(_database);
        var now = DateTimeOffset.UtcNow;
        await history.PublishPolicyAsync();
        await history.AppendAsync("scoring/admissions", new GenesisValidatorsRecorded([Dev(2), Dev(3)], now, RemovalAfterFloorRounds: 2));
        // Governance admits 4 and 5, then removes 5; quality-scoring records each after its activation.
        foreach (var (kind, key) in new[] { ("validator-admission", 4), ("validator-admission", 5), ("validator-removal", 5) })
        {
            var proposalId = await ActivateAsync(history, kind, Dev(key), now);
            await history.AppendAsync("scoring/admissions", kind == "validator-admission"
                ? new ValidatorAdmitted(Dev(key), proposalId, now)
                : new ValidatorRemoved(Dev(key), "governance", proposalId, now));
        }
        if (tamper)
        {
            await history.AppendAsync("scoring/admissions", new ValidatorAdmitted(Dev(6), Hex.Encode(RandomNumberGenerator.GetBytes(32)), now));
            await history.AppendAsync("scoring/validators/" + Dev(7), SignedFacts.Registration(7, now));
        }

        // One contribution, one reviewer drawn from the admitted validators; it stays absent and is replaced from the same seed.
        var secret = AssignmentSeed.NewSecret();
        await history.AppendAsync("scoring/seeds", new AssignmentSeedCommitted(0, AssignmentSeed.Commitment(secret), now));
        var submitted = SignedFacts.Contribution(0, now);
        var id = submitted.ContributionId;
        await history.AppendAsync("contributions/" + id, submitted);
        List<AssignedReviewer> candidates = [.. new[] { 2, 3, 4 }.Concat(tamper ? [5] : []).Select(k => new AssignedReviewer(Dev(k), 0.5m))];
        var seed = AssignmentSeed.For(secret, id);
        var reviewer = ReviewerSelection.Select(seed, candidates, 1)[0];
        await history.AppendAsync("scoring/" + id, new ReviewersAssigned(id, [reviewer], candidates.Count, 1, now.AddHours(2), "scoring-1", now, 0,
            Hex.Encode(seed), candidates, now.AddHours(1)));
        var remaining = candidates.Where(c => c.Validator != reviewer.Validator).ToList();
        var replacement = ReviewerSelection.Select(seed, remaining, 1)[0];
        if (tamper)
            replacement = remaining.First(c => c.Validator != replacement.Validator);
        await history.AppendAsync("scoring/" + id, new ReviewerReassigned(id, reviewer.Validator, replacement, "absent", 1, remaining,
            now.AddHours(2), now.AddHours(3), now.AddHours(1)));
        await history.AppendAsync("scoring/seeds", new AssignmentSeedRevealed(0, secret, now));

        // 3 stays at the policy's floor for two consecutive changes and is removed for it; in the tampered history 2 is
        // removed "for its reputation" after one change at the floor only.
        var floor = ScoringHistory.Policy.ReputationFloor;
        foreach (var key in tamper ? new[] { 3, 3, 2 } : [3, 3])
            await history.AppendAsync("scoring/validators/" + Dev(key), new ReputationChanged(Dev(key), id, floor, floor, 0m, ScoringHistory.Policy.Version, now, "unrevealed"));
        await history.AppendAsync("scoring/admissions", new ValidatorRemoved(Dev(3), "reputation", null, now));
        if (tamper)
            await history.AppendAsync("scoring/admissions", new ValidatorRemoved(Dev(2), "reputation", null, now));
    }

    private static async Task<string> ActivateAsync(ScoringHistory history, string kind, string validator, DateTimeOffset now)
    {
        var proposalId = Hex.Encode(RandomNumberGenerator.GetBytes(32));
        var payload = $"{{\"validator\":\"{validator.ToLowerInvariant()}\"}}";
        await history.AppendAsync("governance/proposals/" + proposalId,
            new PolicyActivated(proposalId, kind, payload, Hex.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(payload))), now));
        return proposalId;
    }
}
