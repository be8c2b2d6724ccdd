using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.Testing;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationTests;

/// <summary>Two reviewers a case and a quorum of one: with two validators, an absent one has nobody to be replaced by.</summary>
public sealed class TwoReviewerSystem : ScoringSystem
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scoring:ReviewersPerContribution"] = "2",
        ["Scoring:Quorum"] = "1",
        ["Scoring:ReassignmentRounds"] = "1",
        // The draw's lean rule on, as by default: a search for a replacement then reads the contributor's tallies under its lean lock.
        ["Scoring:LeanExclusionPoints"] = "10",
    };
}

/// <summary>
/// Locks are taken in one order (<c>ScoringLocks</c>): a close holds its reviewers' locks and then takes the contributor's
/// lean lock, so nobody may hold a lean lock while waiting for a reviewer's. The review-window closer did, when its search
/// for a replacement of an absent reviewer (which reads the contributor's tallies under the lean lock, shared) found
/// nobody and it went on to close the case in the same transaction; under load it deadlocked with the reveal that closed
/// another case of the same contributor.
/// </summary>
public sealed class CloseLockOrderTests(TwoReviewerSystem system) : IClassFixture<TwoReviewerSystem>
{
    private const int Contributor = 1;
    private const int Present = 4;
    private const int Absent = 5;

    [Fact]
    public async Task A_close_after_finding_no_replacement_waits_for_its_reviewers_locks_without_holding_the_contributors_lean_lock()
    {
        foreach (var key in new[] { Present, Absent })
            Assert.Equal(HttpStatusCode.Created, (await system.RegisterAsync(key)).StatusCode);
        var submitted = ScoringSystem.Submission(Contributor, "Tide tables for the northern estuary, checked against the harbour gauge for a month.");
        await system.PublishAsync(submitted);
        var id = submitted.ContributionId;
        await Eventually.MatchesAsync(async () => await AssignedAsync(Present, id) && await AssignedAsync(Absent, id), both => both,
            "both validators assigned", TimeSpan.FromSeconds(20));
        // One reviewer commits and reveals; the other never commits, and nobody is left to replace it.
        using (var review = await system.ReviewAsync(Present, id, 72, nonce: 2)) // nonce 1 signed the registration
            Assert.True(review.IsSuccessStatusCode, await review.Content.ReadAsStringAsync());

        // The present reviewer's lock is held, as a close of another case it reviewed holds it.
        var reviewerLock = "scoring:validator:" + AnvilNode.DevAddresses[Present].ToLowerInvariant();
        await using var holder = new NpgsqlConnection(system.History);
        await holder.OpenAsync();
        await using var holding = await holder.BeginTransactionAsync();
        await AdvisoryLock.TakeAsync(holder, [reviewerLock], CancellationToken.None);

        // Past the commit deadline the closer finds no replacement and closes the case: it waits for that lock.
        await Eventually.MatchesAsync(() => WaitingForAsync(reviewerLock), waiting => waiting, "the closer waiting for the reviewer's lock",
            ScoringSystem.CommitWindow + TimeSpan.FromSeconds(20));
        // While it waits, the contributor's lean lock is free: a close of another of its cases, holding its reviewers'
        // locks, takes it exclusively and goes on (before the fix the closer held it shared here, and the two deadlocked).
        await using (var other = new NpgsqlConnection(system.History))
        {
            await other.OpenAsync();
            await using var otherClose = await other.BeginTransactionAsync();
            await using var tryLean = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended(@key, 0))", other);
            tryLean.Parameters.AddWithValue("key", AdvisoryLock.KeyOf("scoring:lean:" + AnvilNode.DevAddresses[Contributor].ToLowerInvariant()));
            Assert.True((bool)(await tryLean.ExecuteScalarAsync())!, "the closer held the contributor's lean lock while waiting for a reviewer's lock");
        }

        // Released, the close completes by the present reviewer's review.
        await holding.RollbackAsync();
        var scored = await system.ScoredAsync(id, TimeSpan.FromSeconds(20));
        Assert.Null(scored.Fallback);
        Assert.Equal(AnvilNode.DevAddresses[Present], Assert.Single(scored.Reviews!).Validator);
    }

    private async Task<bool> AssignedAsync(int key, string contributionId)
    {
        var open = await system.Api.GetFromJsonAsync<JsonElement>($"/api/validators/{AnvilNode.DevAddresses[key]}/assignments");
        return open.EnumerateArray().Any(a => string.Equals(a.GetProperty("contributionId").GetString(), contributionId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether some transaction waits for the advisory lock named <paramref name="name"/> (its 64-bit key split into two oids).</summary>
    private async Task<bool> WaitingForAsync(string name)
    {
        await using var connection = new NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
              AND classid::bigint = (hashtextextended(@key, 0) >> 32) & 4294967295 AND objid::bigint = hashtextextended(@key, 0) & 4294967295)
            """, connection);
        command.Parameters.AddWithValue("key", AdvisoryLock.KeyOf(name));
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
