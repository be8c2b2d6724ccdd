using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.QualityScoring.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// <c>replay</c> recomputes each automated check from the signed submission and the policy's kind rules, on histories
/// written as quality-scoring writes them (the service's own <see cref="AutomatedChecks"/> computes the honest ones); an
/// honest history passes, and a check forged at check time (a raised score, a hidden violation, a duplicate let through,
/// a near duplicate below the threshold, a pointer passed off as inline content) is named.
/// </summary>
public sealed class AutomatedCheckReplayTests : IAsyncLifetime
{
    private static readonly ScoringPolicyPublished Policy = ScoringHistory.Policy with
    {
        Version = "scoring-checks",
        Kinds = new Dictionary<string, KindRule> { ["data"] = new(MaxBytes: 1_000, MinTextLength: 40, RequireContentAddressed: false) },
    };

    private string _database = "";

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync("auditchecks");

    public async Task DisposeAsync() => await PostgresServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task An_honest_history_recomputes_every_check()
    {
        await WriteAsync(forge: false);

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var checks = run.Json.GetProperty("automatedChecks");
        Assert.Equal(4, checks.GetProperty("checks").GetInt32());
        Assert.Equal(4, checks.GetProperty("recomputedEqual").GetInt32());
        Assert.Equal(1, checks.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, checks.GetProperty("nearDuplicates").GetInt32());
    }

    [Fact]
    public async Task Checks_forged_at_check_time_are_each_named()
    {
        await WriteAsync(forge: true);

        var run = await AuditRun.RunAsync("replay", "--database", _database, "--json");

        Assert.Equal(1, run.ExitCode);
        var found = run.Json.GetProperty("automatedChecks").GetProperty("findings").EnumerateArray()
            .Select(f => (What: f.GetProperty("what").GetString(), Detail: f.GetProperty("detail").GetString()!)).ToList();
        Assert.Contains(found, f => f.What == "checks score" && f.Detail.Contains("records automated score 95", StringComparison.Ordinal));
        Assert.Contains(found, f => f.What == "duplicate");
        Assert.Contains(found, f => f.What == "checks violations");
        Assert.Contains(found, f => f.What == "near duplicate");
        Assert.Contains(found, f => f.What == "checks inputs" && f.Detail.Contains("contentSize", StringComparison.Ordinal));
    }

    /// <summary>
    /// An original with a long enough text, an exact duplicate of it, a text shorter than the kind's minimum, and a near
    /// duplicate of the original. Forged, each check claims more than its inputs give.
    /// </summary>
    private async Task WriteAsync(bool forge)
    {
        await using var history = new ScoringHistory(_database);
        var now = DateTimeOffset.UtcNow;
        await history.AppendAsync("scoring/policies", Policy);
        var original = SignedFacts.Contribution(1, now, 1);
        var copy = SignedFacts.Contribution(2, now, 1, original.ContentHash);
        var shortText = SignedFacts.Contribution(3, now, 1);
        var near = SignedFacts.Contribution(4, now, 1);
        var text = new string('a', 60);

        var checks = new[]
        {
            (original, AutomatedChecks.Run(original with { Text = text }, Policy, null, null, now)),
            (copy, AutomatedChecks.Run(copy with { Text = text }, Policy, original.ContributionId, null, now)),
            (shortText, AutomatedChecks.Run(shortText with { Text = "too short" }, Policy, null, null, now)),
            (near, AutomatedChecks.Run(near with { Text = text + "b" }, Policy, null, new AutomatedChecks.NearestText(original.ContributionId, 0.9), now)),
        };
        Assert.Equal([60, 0, 35, 0], checks.Select(c => c.Item2.Score));
        if (forge)
        {
            checks[0].Item2 = checks[0].Item2 with { Score = 95 };
            checks[1].Item2 = checks[1].Item2 with { DuplicateOf = null, Score = 60 };
            checks[2].Item2 = checks[2].Item2 with { Violations = [], Score = 60 };
            checks[3].Item2 = checks[3].Item2 with { NearDuplicateSimilarity = 0.5 };
        }
        foreach (var (submitted, check) in checks)
        {
            await history.AppendAsync("contributions/" + submitted.ContributionId, submitted);
            await history.AppendAsync("scoring/" + submitted.ContributionId, check);
        }
        if (forge)
        {
            // A pointer-only submission whose check claims inline content (70 + 10, not 50 + 10).
            var pointer = SignedFacts.Contribution(5, now, 1);
            await history.AppendAsync("contributions/" + pointer.ContributionId, pointer);
            await history.AppendAsync("scoring/" + pointer.ContributionId,
                AutomatedChecks.Run(pointer with { ContentSize = 200, Text = text + "c" }, Policy, null, null, now));
        }
    }
}
